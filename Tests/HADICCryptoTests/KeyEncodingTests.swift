import HADICCrypto
import XCTest

final class KeyEncodingTests: XCTestCase {
    func testPEMRoundTrips() throws {
        for algorithm in SignatureAlgorithm.allCases {
            let key = try PrivateKey.generate(algorithm)
            let pem = try key.pkcs8PEM()
            XCTAssertTrue(pem.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
            XCTAssertTrue(pem.hasSuffix("-----END PRIVATE KEY-----\n"))
            let reloaded = try PrivateKey(pem: pem)
            XCTAssertEqual(reloaded.algorithm, algorithm)
            XCTAssertEqual(reloaded.publicKey, key.publicKey)
            XCTAssertEqual(try reloaded.pkcs8PEM(), pem)
            let message = Array("round trip".utf8)
            XCTAssertTrue(key.publicKey.isValidSignature(try reloaded.sign(message), for: message))

            let publicPEM = key.publicKey.pem
            XCTAssertTrue(publicPEM.hasPrefix("-----BEGIN PUBLIC KEY-----\n"))
            let publicKey = try PublicKey(pem: publicPEM)
            XCTAssertEqual(publicKey, key.publicKey)
            XCTAssertEqual(publicKey.pem, publicPEM)
            XCTAssertEqual(publicKey.keyID, key.publicKey.keyID)
            // CRLF line endings and surrounding blank lines are fine.
            let crlf = "\r\n" + publicPEM.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n"
            XCTAssertEqual(try PublicKey(pem: crlf), publicKey)
            // Description does not leak the private key.
            let body = pem.split(separator: "\n")[1]
            XCTAssertFalse(String(describing: key).contains(body))
        }
    }

    func testSPKIIsCanonicalAndKeyIDIsItsHash() throws {
        for algorithm in SignatureAlgorithm.allCases {
            let publicKey = try PrivateKey.generate(algorithm).publicKey
            XCTAssertEqual(publicKey.keyID, Hex.encode(SHA256.hash(publicKey.spkiDER)))
            XCTAssertEqual(publicKey.keyID.count, 64)
            XCTAssertEqual(try PublicKey(spkiDER: publicKey.spkiDER), publicKey)
            XCTAssertEqual(Set([publicKey, try PublicKey(spkiDER: publicKey.spkiDER)]).count, 1)
            assertCryptoError(try PublicKey(spkiDER: publicKey.spkiDER + [0])) {
                if case .invalidKeyEncoding = $0 { return true }; return false
            }
            assertCryptoError(try PublicKey(spkiDER: Array(publicKey.spkiDER.dropLast()))) {
                if case .invalidKeyEncoding = $0 { return true }; return false
            }
            assertCryptoError(try PublicKey(spkiDER: [])) {
                if case .invalidKeyEncoding = $0 { return true }; return false
            }
        }
        XCTAssertEqual(try PrivateKey.generate(.ed25519).publicKey.spkiDER.count, 44)
        XCTAssertEqual(try PrivateKey.generate(.p256).publicKey.spkiDER.count, 91)
    }

    func testCompressedP256PointIsRefused() throws {
        let spki = try PrivateKey.generate(.p256).publicKey.spkiDER
        let x = Array(spki[27..<59])
        let yOdd = spki[90] & 1 == 1
        let header = Hex.decode("3039301306072a8648ce3d020106082a8648ce3d030107032200") ?? []
        let compressed = header + [yOdd ? 0x03 : 0x02] + x
        XCTAssertEqual(compressed.count, 59)
        assertCryptoError(try PublicKey(spkiDER: compressed)) {
            if case .invalidKeyEncoding(let reason) = $0 { return reason.contains("uncompressed") }
            return false
        }
    }

    func testPointNotOnCurveIsRefused() throws {
        var spki = try PrivateKey.generate(.p256).publicKey.spkiDER
        spki[90] ^= 0x01  // change Y: almost surely no longer on the curve
        assertCryptoError(try PublicKey(spkiDER: spki)) {
            if case .invalidKeyEncoding = $0 { return true }; return false
        }
    }

    func testRawEd25519() throws {
        let publicKey = try PrivateKey.generate(.ed25519).publicKey
        let raw = try XCTUnwrap(publicKey.rawEd25519)
        XCTAssertEqual(raw.count, 32)
        XCTAssertEqual(try PublicKey(rawEd25519: raw), publicKey)
        XCTAssertNil(try PrivateKey.generate(.p256).publicKey.rawEd25519)
        assertCryptoError(try PublicKey(rawEd25519: Array(raw.dropLast()))) {
            if case .invalidKeyEncoding = $0 { return true }; return false
        }
        assertCryptoError(try PrivateKey(rawEd25519Seed: [1, 2, 3])) {
            if case .invalidKeyEncoding = $0 { return true }; return false
        }
    }

    func testMalformedPEMIsRefusedWithReason() throws {
        let key = try PrivateKey.generate(.ed25519)
        let publicPEM = key.publicKey.pem
        let privatePEM = try key.pkcs8PEM()
        let cases: [(String, (String) throws -> Void)] = [
            ("", { _ = try PublicKey(pem: $0) }),
            ("hello", { _ = try PublicKey(pem: $0) }),
            (privatePEM, { _ = try PublicKey(pem: $0) }),
            (publicPEM, { _ = try PrivateKey(pem: $0) }),
            (publicPEM.replacingOccurrences(of: "-----END PUBLIC KEY-----\n", with: ""), { _ = try PublicKey(pem: $0) }),
            (publicPEM + publicPEM, { _ = try PublicKey(pem: $0) }),
            ("junk\n" + publicPEM, { _ = try PublicKey(pem: $0) }),
            (publicPEM.replacingOccurrences(of: "MC", with: "M!"), { _ = try PublicKey(pem: $0) }),
            ("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n", { _ = try PrivateKey(pem: $0) }),
        ]
        for (index, (text, parse)) in cases.enumerated() {
            XCTAssertThrowsError(try parse(text), "case \(index)") { error in
                guard case .invalidPEM(let reason)? = error as? CryptoError else {
                    return XCTFail("case \(index): \(error)")
                }
                XCTAssertFalse(reason.isEmpty)
            }
        }
    }

    func testMismatchedP256KeyPairIsRefused() throws {
        let a = try PrivateKey.generate(.p256)
        let b = try PrivateKey.generate(.p256)
        let pem = try a.pkcs8PEM()
        let body = pem.split(separator: "\n").dropFirst().dropLast().joined()
        var der = try XCTUnwrap(Base64.decode(body))
        let pointA = Array(a.publicKey.spkiDER.suffix(65))
        let pointB = Array(b.publicKey.spkiDER.suffix(65))
        let start = try XCTUnwrap(
            (0...(der.count - 65)).first { Array(der[$0..<($0 + 65)]) == pointA },
            "PKCS#8 does not carry the public key"
        )
        der.replaceSubrange(start..<(start + 65), with: pointB)
        let forged = "-----BEGIN PRIVATE KEY-----\n" + Base64.encode(der) + "\n-----END PRIVATE KEY-----\n"
        assertCryptoError(try PrivateKey(pem: forged)) {
            if case .invalidKeyEncoding = $0 { return true }; return false
        }
    }
}
