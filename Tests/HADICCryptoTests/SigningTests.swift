import Foundation
import HADICCrypto
import XCTest

final class SigningTests: XCTestCase {
    func testGenerateSignVerifyBothAlgorithms() throws {
        for algorithm in SignatureAlgorithm.allCases {
            let key = try PrivateKey.generate(algorithm)
            XCTAssertEqual(key.algorithm, algorithm)
            XCTAssertEqual(key.publicKey.algorithm, algorithm)
            for message in [[UInt8](), Array("hello HADIC".utf8), [UInt8](repeating: 0x5A, count: 10_000)] {
                let signature = try key.sign(message)
                if algorithm == .ed25519 { XCTAssertEqual(signature.count, 64) }
                XCTAssertTrue(key.publicKey.isValidSignature(signature, for: message), "\(algorithm)")
                XCTAssertTrue(message.withUnsafeBytes { key.publicKey.isValidSignature(signature, for: $0) })
            }
        }
    }

    func testEd25519IsDeterministic() throws {
        let key = try PrivateKey.generate(.ed25519)
        XCTAssertEqual(try key.sign([1, 2, 3]), try key.sign([1, 2, 3]))
    }

    func testRFC8032TestVector1() throws {
        // RFC 8032 section 7.1, TEST 1 (empty message).
        let seed = Hex.decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60") ?? []
        let key = try PrivateKey(rawEd25519Seed: seed)
        XCTAssertEqual(key.publicKey.rawEd25519.map { Hex.encode($0) },
                       "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        let expected = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
            + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        XCTAssertEqual(Hex.encode(try key.sign([])), expected)
        XCTAssertTrue(key.publicKey.isValidSignature(Hex.decode(expected) ?? [], for: []))
    }

    func testFlippedBitsFail() throws {
        for algorithm in SignatureAlgorithm.allCases {
            let key = try PrivateKey.generate(algorithm)
            let message = Array("append-only ledger entry".utf8)
            let signature = try key.sign(message)
            for bit in [0, 7, 100, message.count * 8 - 1] {
                var changed = message
                changed[bit / 8] ^= 1 << UInt8(bit % 8)
                XCTAssertFalse(key.publicKey.isValidSignature(signature, for: changed), "\(algorithm) message bit \(bit)")
            }
            for index in [0, signature.count / 2, signature.count - 1] {
                var changed = signature
                changed[index] ^= 0x01
                XCTAssertFalse(key.publicKey.isValidSignature(changed, for: message), "\(algorithm) signature byte \(index)")
            }
            XCTAssertFalse(key.publicKey.isValidSignature([], for: message))
            XCTAssertFalse(key.publicKey.isValidSignature(signature + [0], for: message))
            XCTAssertFalse(key.publicKey.isValidSignature(Array(signature.dropLast()), for: message))
        }
    }

    func testOtherKeyAndOtherAlgorithmFail() throws {
        let message = Array("m".utf8)
        let ed = try PrivateKey.generate(.ed25519)
        let ed2 = try PrivateKey.generate(.ed25519)
        let p = try PrivateKey.generate(.p256)
        XCTAssertFalse(ed2.publicKey.isValidSignature(try ed.sign(message), for: message))
        XCTAssertFalse(p.publicKey.isValidSignature(try ed.sign(message), for: message))
        XCTAssertFalse(ed.publicKey.isValidSignature(try p.sign(message), for: message))
    }

    func testConcurrentVerificationOnOneKey() throws {
        for algorithm in SignatureAlgorithm.allCases {
            let key = try PrivateKey.generate(algorithm)
            let publicKey = key.publicKey
            let message = Array("shared key, many threads".utf8)
            let good = try key.sign(message)
            var corrupted = good
            corrupted[corrupted.count - 1] ^= 0x80
            let bad = corrupted
            let wrong = Counter()
            DispatchQueue.concurrentPerform(iterations: 8) { _ in
                for _ in 0..<25 {
                    if !publicKey.isValidSignature(good, for: message) { wrong.increment() }
                    if publicKey.isValidSignature(bad, for: message) { wrong.increment() }
                    if (try? key.sign(message)).map({ publicKey.isValidSignature($0, for: message) }) != true {
                        wrong.increment()
                    }
                }
            }
            XCTAssertEqual(wrong.value, 0, "\(algorithm)")
        }
    }
}
