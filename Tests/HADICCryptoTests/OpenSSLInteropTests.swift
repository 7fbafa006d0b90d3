import Foundation
import HADICCrypto
import XCTest

/// Interoperability with the `openssl` command (OpenSSL 3), run as a subprocess.
final class OpenSSLInteropTests: XCTestCase {
    var directory: TemporaryDirectory!

    override func setUpWithError() throws {
        try Tool.requireOpenSSL()
        directory = try TemporaryDirectory()
    }

    override func tearDown() {
        directory?.cleanUp()
    }

    private func genpkey(_ name: String, _ arguments: [String]) throws -> String {
        let path = directory.path(name)
        try Tool.openssl(["genpkey"] + arguments + ["-out", path])
        return path
    }

    // MARK: (1) keys made by openssl load in HADIC

    func testOpenSSLKeysLoad() throws {
        let ed = try PrivateKey(contentsOf: genpkey("ed.pem", ["-algorithm", "ed25519"]))
        XCTAssertEqual(ed.algorithm, .ed25519)
        let p = try PrivateKey(contentsOf: genpkey("p.pem", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]))
        XCTAssertEqual(p.algorithm, .p256)

        // SEC1 "EC PRIVATE KEY", preceded by an "EC PARAMETERS" block.
        let sec1Path = directory.path("sec1.pem")
        try Tool.openssl(["ecparam", "-name", "prime256v1", "-genkey", "-out", sec1Path])
        let sec1Text = try String(contentsOfFile: sec1Path, encoding: .utf8)
        XCTAssertTrue(sec1Text.contains("BEGIN EC PRIVATE KEY"))
        let sec1 = try PrivateKey(contentsOf: sec1Path)
        XCTAssertEqual(sec1.algorithm, .p256)

        // The public keys match what openssl derives.
        for (key, path) in [(ed, directory.path("ed.pem")), (p, directory.path("p.pem")), (sec1, sec1Path)] {
            let pub = try Tool.openssl(["pkey", "-in", path, "-pubout"]).stdoutText
            XCTAssertEqual(try PublicKey(pem: pub), key.publicKey)
            XCTAssertEqual(pub, key.publicKey.pem)
        }
    }

    func testWrongKeyTypesAreRefused() throws {
        let cases: [(String, [String], String)] = [
            ("rsa.pem", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"], "RSA"),
            ("p384.pem", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"], "secp384r1"),
            ("x25519.pem", ["-algorithm", "X25519"], "X25519"),
            ("ed448.pem", ["-algorithm", "ED448"], "ED448"),
        ]
        for (name, arguments, expected) in cases {
            let path = try genpkey(name, arguments)
            assertCryptoError(try PrivateKey(contentsOf: path)) {
                if case .unsupportedKeyType(let found) = $0 { return found.contains(expected) }
                return false
            }
            let pub = try Tool.openssl(["pkey", "-in", path, "-pubout"]).stdoutText
            assertCryptoError(try PublicKey(pem: pub)) {
                if case .unsupportedKeyType(let found) = $0 { return found.contains(expected) }
                return false
            }
        }
    }

    func testEncryptedKeyIsRefusedClearly() throws {
        let path = try genpkey("enc.pem", ["-algorithm", "ed25519", "-aes-256-cbc", "-pass", "pass:secret"])
        assertCryptoError(try PrivateKey(contentsOf: path)) {
            if case .invalidPEM(let reason) = $0 { return reason.contains("encrypted") }
            return false
        }
    }

    func testKeyIDMatchesOpenSSLAndSha256sum() throws {
        for (name, arguments) in [("ed.pem", ["-algorithm", "ed25519"]),
                                  ("p.pem", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"])] {
            let keyPath = try genpkey(name, arguments)
            let key = try PrivateKey(contentsOf: keyPath)
            let pubPath = directory.path(name + ".pub")
            try key.publicKey.write(to: pubPath)
            let derPath = directory.path(name + ".der")
            try Tool.openssl(["pkey", "-pubin", "-in", pubPath, "-outform", "DER", "-out", derPath])
            XCTAssertEqual(try directory.read(name + ".der"), key.publicKey.spkiDER)
            let sum = try Tool.run("/usr/bin/sha256sum", [derPath])
            XCTAssertEqual(sum.status, 0)
            XCTAssertEqual(sum.stdoutText.split(separator: " ").first.map(String.init), key.publicKey.keyID)
        }
    }

    // MARK: (2) keys written by HADIC load in openssl

    func testHADICKeysLoadInOpenSSL() throws {
        for algorithm in SignatureAlgorithm.allCases {
            let key = try PrivateKey.generate(algorithm)
            let keyPath = directory.path("\(algorithm).key")
            let pubPath = directory.path("\(algorithm).pub")
            try key.write(to: keyPath)
            try key.publicKey.write(to: pubPath)
            let derived = try Tool.openssl(["pkey", "-in", keyPath, "-pubout"]).stdoutText
            XCTAssertEqual(derived, key.publicKey.pem)
            let reread = try Tool.openssl(["pkey", "-pubin", "-in", pubPath]).stdoutText
            XCTAssertEqual(reread, key.publicKey.pem)
            // openssl re-encodes the private key identically (PKCS#8 is canonical here).
            let reencoded = try Tool.openssl(["pkey", "-in", keyPath]).stdoutText
            XCTAssertEqual(try PrivateKey(pem: reencoded).publicKey, key.publicKey)
            let check = try Tool.openssl(["pkey", "-in", keyPath, "-check", "-noout"])
            XCTAssertEqual(check.status, 0)
        }
    }

    // MARK: (3) openssl signatures verify in HADIC

    func testOpenSSLEd25519SignaturesVerify() throws {
        let keyPath = try genpkey("ed.pem", ["-algorithm", "ed25519"])
        let key = try PrivateKey(contentsOf: keyPath)
        let message = Array("signed by the openssl command\n".utf8)
        let messagePath = try directory.write("msg", message)
        let sigPath = directory.path("msg.sig")
        try Tool.openssl(["pkeyutl", "-sign", "-rawin", "-inkey", keyPath, "-in", messagePath, "-out", sigPath])
        let signature = try directory.read("msg.sig")
        XCTAssertEqual(signature.count, 64)
        XCTAssertTrue(key.publicKey.isValidSignature(signature, for: message))
        XCTAssertEqual(signature, try key.sign(message), "Ed25519 is deterministic")
        XCTAssertFalse(key.publicKey.isValidSignature(signature, for: message + [0]))
    }

    func testOpenSSLP256SignaturesVerifyIffLowS() throws {
        let keyPath = try genpkey("p.pem", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"])
        let key = try PrivateKey(contentsOf: keyPath)
        let message = Array("signed by openssl dgst\n".utf8)
        let messagePath = try directory.write("msg", message)
        var sawLow = false
        var sawHigh = false
        var attempts = 0
        // openssl does not normalise s; about half its signatures are high-S. Keep signing
        // until both kinds were seen (probability of needing more than 24 tries: 2^-23).
        while !(sawLow && sawHigh) && attempts < 24 {
            attempts += 1
            let sigPath = directory.path("sig\(attempts)")
            try Tool.openssl(["dgst", "-sha256", "-sign", keyPath, "-out", sigPath, messagePath])
            let der = try directory.read("sig\(attempts)")
            let (_, s) = try XCTUnwrap(TestDER.split(der))
            let isLow = !TestDER.isHighS(TestDER.magnitude32(s))
            if isLow { sawLow = true } else { sawHigh = true }
            XCTAssertEqual(key.publicKey.isValidSignature(der, for: message), isLow, "attempt \(attempts)")
            let normalised = try ECDSASignature(derEncoded: der).lowS.derEncoded
            XCTAssertTrue(key.publicKey.isValidSignature(normalised, for: message))
            XCTAssertFalse(key.publicKey.isValidSignature(normalised, for: message + [0]))
        }
        XCTAssertTrue(sawLow, "no low-S signature from openssl in \(attempts) tries")
        XCTAssertTrue(sawHigh, "no high-S signature from openssl in \(attempts) tries")
    }

    // MARK: (4) HADIC signatures verify in openssl

    func testHADICSignaturesVerifyInOpenSSL() throws {
        let message = Array("signed by HADIC\n".utf8)
        let messagePath = try directory.write("msg", message)

        let ed = try PrivateKey.generate(.ed25519)
        let edPub = directory.path("ed.pub")
        try ed.publicKey.write(to: edPub)
        let edSig = try directory.write("ed.sig", try ed.sign(message))
        let okEd = try Tool.run(Tool.opensslPath, ["pkeyutl", "-verify", "-pubin", "-inkey", edPub, "-rawin",
                                                   "-in", messagePath, "-sigfile", edSig])
        XCTAssertEqual(okEd.status, 0, okEd.stderr)
        var tampered = try ed.sign(message)
        tampered[10] ^= 1
        let badEdSig = try directory.write("ed.bad", tampered)
        let badEd = try Tool.run(Tool.opensslPath, ["pkeyutl", "-verify", "-pubin", "-inkey", edPub, "-rawin",
                                                    "-in", messagePath, "-sigfile", badEdSig])
        XCTAssertNotEqual(badEd.status, 0)

        let p = try PrivateKey.generate(.p256)
        let pPub = directory.path("p.pub")
        try p.publicKey.write(to: pPub)
        for i in 0..<4 {
            let pSig = try directory.write("p\(i).sig", try p.sign(message))
            let okP = try Tool.run(Tool.opensslPath, ["dgst", "-sha256", "-verify", pPub, "-signature", pSig, messagePath])
            XCTAssertEqual(okP.status, 0, okP.stderr)
            XCTAssertTrue(okP.stdoutText.contains("Verified OK"))
        }
        let wrongMessage = try directory.write("msg2", message + [0x21])
        let pSig = try directory.write("p.sig", try p.sign(message))
        let badP = try Tool.run(Tool.opensslPath, ["dgst", "-sha256", "-verify", pPub, "-signature", pSig, wrongMessage])
        XCTAssertNotEqual(badP.status, 0)
    }

    /// The high-S form HADIC rejects is still a mathematically valid ECDSA signature (openssl
    /// accepts it): HADIC rejects it by rule, not because the test made a broken signature.
    func testHighSVariantIsValidForOpenSSLButNotHADIC() throws {
        let key = try PrivateKey.generate(.p256)
        let message = Array("malleability\n".utf8)
        let messagePath = try directory.write("msg", message)
        let pubPath = directory.path("p.pub")
        try key.publicKey.write(to: pubPath)
        let high = try XCTUnwrap(TestDER.flippedS(try key.sign(message)))
        let highPath = try directory.write("high.sig", high)
        let openssl = try Tool.run(Tool.opensslPath, ["dgst", "-sha256", "-verify", pubPath, "-signature", highPath, messagePath])
        XCTAssertEqual(openssl.status, 0, openssl.stderr)
        XCTAssertFalse(key.publicKey.isValidSignature(high, for: message))
    }
}
