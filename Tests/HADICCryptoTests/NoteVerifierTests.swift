import HADICCrypto
import XCTest

final class NoteVerifierTests: XCTestCase {
    typealias V = GoNoteVectors

    func testParsesGoVerifierKey() throws {
        let verifier = try NoteVerifier(verifierKey: V.peterVerifierKey)
        XCTAssertEqual(verifier.name, "PeterNeumann")
        XCTAssertEqual(Hex.encode(verifier.keyHash), "c74f20a3")
        XCTAssertEqual(verifier.publicKey.algorithm, .ed25519)
        XCTAssertEqual(verifier.verifierKey, V.peterVerifierKey)
        XCTAssertEqual(try NoteVerifier(name: "PeterNeumann", publicKey: verifier.publicKey), verifier)
        // Key hash in capitals is accepted (as Go does) and printed back in lowercase.
        let upper = try NoteVerifier(verifierKey: V.peterVerifierKey.replacingOccurrences(of: "c74f20a3", with: "C74F20A3"))
        XCTAssertEqual(upper, verifier)
    }

    func testManglingsAreRejected() {
        let bytes = Array(V.peterVerifierKey.utf8)
        var rejected = 0
        var total = 0
        for i in 0...bytes.count {
            for j in (i + 1)..<(bytes.count + 1) where !(i == 0 && j == bytes.count) {
                total += 1
                if (try? NoteVerifier(verifierKey: String(decoding: bytes[i..<j], as: UTF8.self))) == nil { rejected += 1 }
            }
        }
        XCTAssertEqual(rejected, total, "a proper substring of the key was accepted")
        for i in bytes.indices {
            var changed = bytes
            changed[i] &+= 1
            XCTAssertNil(try? NoteVerifier(verifierKey: String(decoding: changed, as: UTF8.self)), "byte \(i) incremented")
        }
        // Wrong key length and unknown algorithm, each with a matching hash (from Go's test).
        XCTAssertThrowsError(try NoteVerifier(verifierKey: "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=="))
        assertCryptoError(try NoteVerifier(verifierKey: "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")) {
            if case .unsupportedKeyType = $0 { return true }; return false
        }
    }

    func testNameRules() throws {
        let key = try PrivateKey.generate(.ed25519).publicKey
        for bad in ["", "a b", "a+b", "a\tb", "a\u{00A0}b", "a\u{2003}b", "a\nb", "a\u{01}b", "a\u{3000}"] {
            assertCryptoError(try NoteVerifier(name: bad, publicKey: key)) {
                if case .noteMalformed = $0 { return true }; return false
            }
        }
        XCTAssertNoThrow(try NoteVerifier(name: "example.com/log-1", publicKey: key))
        XCTAssertNoThrow(try NoteVerifier(name: "Ünïcødé", publicKey: key))
    }

    func testKeyHashFollowsTheSpec() throws {
        let key = try PrivateKey.generate(.ed25519).publicKey
        let verifier = try NoteVerifier(name: "example.com/log", publicKey: key)
        let raw = try XCTUnwrap(key.rawEd25519)
        XCTAssertEqual(verifier.keyHash, Array(SHA256.hash(Array("example.com/log".utf8) + [0x0A, 0x01] + raw).prefix(4)))
        XCTAssertEqual(try NoteVerifier(verifierKey: verifier.verifierKey), verifier)
    }

    func testOnlyEd25519() throws {
        let p = try PrivateKey.generate(.p256)
        assertCryptoError(try NoteVerifier(name: "n", publicKey: p.publicKey)) {
            $0 == .wrongAlgorithm(expected: .ed25519, found: .p256)
        }
        assertCryptoError(try NoteSigner(name: "n", privateKey: p)) {
            $0 == .wrongAlgorithm(expected: .ed25519, found: .p256)
        }
    }

    func testSignerKeyManglingsAreRejected() {
        XCTAssertNoThrow(try NoteSigner(signerKey: V.peterSignerKey))
        let bytes = Array(V.peterSignerKey.utf8)
        for i in bytes.indices {
            var changed = bytes
            changed[i] &+= 1
            XCTAssertNil(try? NoteSigner(signerKey: String(decoding: changed, as: UTF8.self)), "byte \(i) incremented")
        }
        XCTAssertNil(try? NoteSigner(signerKey: String(V.peterSignerKey.dropLast(4))))
    }
}
