import HADICCrypto
import XCTest

final class ECDSASignatureTests: XCTestCase {
    func testSignaturesAreStrictDERAndLowS() throws {
        let key = try PrivateKey.generate(.p256)
        for i in 0..<24 {
            let message = Array("message \(i)".utf8)
            let der = try key.sign(message)
            let split = try XCTUnwrap(TestDER.split(der), "not a simple DER SEQUENCE of two INTEGERs")
            XCTAssertFalse(TestDER.isHighS(TestDER.magnitude32(split.s)), "signature \(i) is high-S")
            let parsed = try ECDSASignature(derEncoded: der)
            XCTAssertTrue(parsed.isLowS)
            XCTAssertEqual(parsed.derEncoded, der)
        }
    }

    func testHighSVariantIsRejected() throws {
        let key = try PrivateKey.generate(.p256)
        let message = Array("low-S only".utf8)
        let der = try key.sign(message)
        let high = try XCTUnwrap(TestDER.flippedS(der))
        XCTAssertNotEqual(high, der)
        XCTAssertTrue(TestDER.isHighS(TestDER.magnitude32(try XCTUnwrap(TestDER.split(high)).s)))
        XCTAssertFalse(key.publicKey.isValidSignature(high, for: message))
        XCTAssertTrue(key.publicKey.isValidSignature(der, for: message))
        // The library agrees on what normalisation means.
        let parsedHigh = try ECDSASignature(derEncoded: high)
        XCTAssertFalse(parsedHigh.isLowS)
        XCTAssertEqual(parsedHigh.lowS.derEncoded, der)
        assertCryptoError(try ECDSASignature(strictLowSDER: high)) { $0 == .highS }
        XCTAssertNoThrow(try ECDSASignature(strictLowSDER: der))
    }

    func testNonStrictDERIsRejected() throws {
        let key = try PrivateKey.generate(.p256)
        let message = Array("strict DER only".utf8)
        let der = try key.sign(message)
        let (r, s) = try XCTUnwrap(TestDER.split(der))
        var variants: [String: [UInt8]] = [
            "trailing byte after SEQUENCE": der + [0x00],
            "trailing byte inside SEQUENCE": [0x30, der[1] + 1] + der[2...] + [0x00],
            "extra leading zero on r": TestDER.join(r: [0x00] + r, s: s),
            "extra leading zero on s": TestDER.join(r: r, s: [0x00] + s),
            "long-form SEQUENCE length": [0x30, 0x81, der[1]] + der[2...],
            "BER indefinite length": [0x30, 0x80] + der[2...] + [0x00, 0x00],
            "wrong tag": [0x31] + der[1...],
            "truncated": Array(der.dropLast()),
        ]
        variants["negative r"] = TestDER.join(r: [0xFF] + r, s: s)
        if r[0] == 0 {
            // Without its sign byte, r reads as a negative number.
            variants["r sign byte removed"] = TestDER.join(r: Array(r.dropFirst()), s: s)
        }
        for (name, variant) in variants {
            XCTAssertNotEqual(variant, der, name)
            XCTAssertFalse(key.publicKey.isValidSignature(variant, for: message), name)
            assertCryptoError(try ECDSASignature(derEncoded: variant)) {
                if case .invalidSignatureEncoding = $0 { return true }
                return false
            }
        }
        XCTAssertTrue(key.publicKey.isValidSignature(der, for: message))
    }

    func testRangeChecks() {
        let zero = [UInt8](repeating: 0, count: 32)
        let one = [UInt8](repeating: 0, count: 31) + [1]
        XCTAssertNoThrow(try ECDSASignature(r: one, s: one))
        assertCryptoError(try ECDSASignature(r: zero, s: one)) { if case .invalidSignatureEncoding = $0 { return true }; return false }
        assertCryptoError(try ECDSASignature(r: one, s: ECDSASignature.order)) { if case .invalidSignatureEncoding = $0 { return true }; return false }
        assertCryptoError(try ECDSASignature(r: [1], s: one)) { if case .invalidSignatureEncoding = $0 { return true }; return false }
        // n/2 itself is low-S, n/2 + 1 is not.
        XCTAssertFalse(TestDER.isHighS(ECDSASignature.halfOrder))
        var halfPlusOne = ECDSASignature.halfOrder
        halfPlusOne[31] += 1
        XCTAssertTrue(TestDER.isHighS(halfPlusOne))
        // n is odd, so n - floor(n/2) = floor(n/2) + 1.
        XCTAssertEqual(TestDER.orderMinus(ECDSASignature.halfOrder), halfPlusOne)
        XCTAssertEqual((try? ECDSASignature(r: one, s: ECDSASignature.halfOrder))?.isLowS, true)
        XCTAssertEqual((try? ECDSASignature(r: one, s: halfPlusOne))?.isLowS, false)
        XCTAssertEqual(Hex.encode(ECDSASignature.order), Hex.encode(TestDER.n))
    }
}
