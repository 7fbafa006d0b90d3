import CHADICSodium
import Foundation
import HADICCrypto
import XCTest

/// The Ed25519 rule of docs/FORMATS.md ("Signatures"): libsodium's strict verification, and
/// public keys that are points of the prime-order group. Each case below is a signature or key
/// that a looser verifier would take.
final class Ed25519VerificationTests: XCTestCase {
    /// The group order L, little-endian.
    static let order: [UInt8] = [
        0xED, 0xD3, 0xF5, 0x5C, 0x1A, 0x63, 0x12, 0x58, 0xD6, 0x9C, 0xF7, 0xA2, 0xDE, 0xF9, 0xDE, 0x14,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ]
    /// The encoding of the identity point (y = 1): a point of small order.
    static let identity: [UInt8] = [1] + [UInt8](repeating: 0, count: 31)

    func testSmallOrderAndNonCanonicalKeysAreRefusedWhenParsed() throws {
        // y = p (2^255 - 19) encodes y = 0 non-canonically.
        let nonCanonical: [UInt8] = [0xED] + [UInt8](repeating: 0xFF, count: 30) + [0x7F]
        for (name, raw) in [("identity", Self.identity), ("y = p", nonCanonical), ("order 2 point", [0xEC] + [UInt8](repeating: 0xFF, count: 30) + [0x7F])] {
            XCTAssertThrowsError(try PublicKey(rawEd25519: raw), name) { error in
                XCTAssertTrue("\(error)".contains("prime-order group"), "\(name): \(error)")
            }
        }
        let good = try PrivateKey.generate(.ed25519).publicKey
        XCTAssertNoThrow(try PublicKey(rawEd25519: try XCTUnwrap(good.rawEd25519)))
    }

    func testNonCanonicalSIsRefused() throws {
        let key = try PrivateKey.generate(.ed25519)
        let message = Array("s plus the order\n".utf8)
        let signature = try key.sign(message)
        XCTAssertTrue(key.publicKey.isValidSignature(signature, for: message))
        // S + L: the same scalar mod L, a second spelling of one signature.
        var carry = 0
        var malleated = signature
        for i in 0..<32 {
            let sum = Int(signature[32 + i]) + Int(Self.order[i]) + carry
            malleated[32 + i] = UInt8(sum & 0xFF)
            carry = sum >> 8
        }
        XCTAssertEqual(carry, 0)
        XCTAssertFalse(key.publicKey.isValidSignature(malleated, for: message))
    }

    /// A key's owner can make R the identity point: S = k·a, so [S]B - [k]A is the identity. The
    /// cofactorless equation holds and OpenSSL accepts it; HADIC refuses small-order R.
    func testIdentityRCraftedByTheOwnerIsRefusedThoughOpenSSLAcceptsIt() throws {
        try Tool.requireOpenSSL()
        let seed = [UInt8](repeating: 0x42, count: 32)
        let key = try PrivateKey(rawEd25519Seed: seed)
        let publicKey = try XCTUnwrap(key.publicKey.rawEd25519)
        let message = Array("crafted by the key's owner\n".utf8)

        var expanded = [UInt8](repeating: 0, count: 64)
        crypto_hash_sha512(&expanded, seed, 32)
        var secret = Array(expanded[0..<32])  // RFC 8032 5.1.5: the clamped secret scalar a
        secret[0] &= 248
        secret[31] &= 127
        secret[31] |= 64
        var a = [UInt8](repeating: 0, count: 32)
        crypto_core_ed25519_scalar_reduce(&a, secret + [UInt8](repeating: 0, count: 32))
        var hashed = [UInt8](repeating: 0, count: 64)
        let input = Self.identity + publicKey + message
        crypto_hash_sha512(&hashed, input, UInt64(input.count))
        var k = [UInt8](repeating: 0, count: 32)
        crypto_core_ed25519_scalar_reduce(&k, hashed)
        var s = [UInt8](repeating: 0, count: 32)
        crypto_core_ed25519_scalar_mul(&s, k, a)
        let crafted = Self.identity + s

        XCTAssertFalse(key.publicKey.isValidSignature(crafted, for: message))
        XCTAssertTrue(key.publicKey.isValidSignature(try key.sign(message), for: message))

        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let pub = directory.path("k.pub")
        try key.publicKey.write(to: pub)
        let msg = try directory.write("msg", message)
        let sig = try directory.write("sig", crafted)
        let openssl = try Tool.run(Tool.opensslPath, ["pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", "-in", msg, "-sigfile", sig])
        XCTAssertEqual(openssl.status, 0, "OpenSSL takes the crafted signature (this test's premise): \(openssl.stderr)")
    }

    /// RFC 8032 7.1 TEST 2 through the libsodium path, and its mutations.
    func testRFC8032TestVector2() throws {
        let key = try PublicKey(rawEd25519: XCTUnwrap(Hex.decode("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c")))
        let signature = try XCTUnwrap(Hex.decode("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"))
        XCTAssertTrue(key.isValidSignature(signature, for: [0x72]))
        XCTAssertFalse(key.isValidSignature(signature, for: [0x73]))
        XCTAssertFalse(key.isValidSignature(Array(signature.dropLast()), for: [0x72]))
    }
}
