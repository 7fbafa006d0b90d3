import Foundation
import HADICCrypto
import XCTest

final class SHA256Tests: XCTestCase {
    let vectors: [(String, String)] = [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ]

    func testKnownVectors() {
        for (input, expected) in vectors {
            XCTAssertEqual(Hex.encode(SHA256.hash(Array(input.utf8))), expected, "SHA-256(\(input))")
            let viaBuffer = Array(input.utf8).withUnsafeBytes { SHA256.hash($0) }
            XCTAssertEqual(Hex.encode(viaBuffer), expected)
        }
    }

    func testMillionA() {
        let input = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        XCTAssertEqual(Hex.encode(SHA256.hash(input)),
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    func testPrefixedHashesEqualHashOfConcatenation() {
        let a = (0..<32).map { UInt8($0) }
        let b = (0..<32).map { UInt8(255 - $0) }
        XCTAssertEqual(SHA256.hash(prefix: 0x01, a, b), SHA256.hash([0x01] + a + b))
        // Not 32/32: the streaming path.
        let c = [UInt8](repeating: 9, count: 5)
        XCTAssertEqual(SHA256.hash(prefix: 0x01, a, c), SHA256.hash([0x01] + a + c))
        XCTAssertEqual(SHA256.hash(prefix: 0x01, [], []), SHA256.hash([0x01]))
        let large = [UInt8](repeating: 0xAB, count: 100_000)
        XCTAssertEqual(SHA256.hash(prefix: 0x00, large), SHA256.hash([0x00] + large))
        XCTAssertEqual(large.withUnsafeBytes { SHA256.hash(prefix: 0x00, $0) }, SHA256.hash([0x00] + large))
        // RFC 6962/9162: the leaf hash of the empty entry is SHA-256(0x00).
        XCTAssertEqual(Hex.encode(SHA256.hash(prefix: 0x00, [])),
                       "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
        XCTAssertNotEqual(SHA256.hash(prefix: 0x00, a), SHA256.hash(prefix: 0x01, a))
    }

    func testConcurrentHashingGivesSameResults() {
        let inputs = (0..<64).map { i in [UInt8](repeating: UInt8(i), count: i * 3) }
        let expected = inputs.map { SHA256.hash($0) }  // computed on one thread first
        let mismatches = Counter()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<50 {
                for (index, input) in inputs.enumerated() where SHA256.hash(input) != expected[index] {
                    mismatches.increment()
                }
            }
        }
        XCTAssertEqual(mismatches.value, 0)
    }
}

/// A thread-safe counter for concurrency tests.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func increment() {
        lock.lock()
        count += 1
        lock.unlock()
    }

    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}
