import Foundation
import XCTest
import HADICCrypto

/// A fresh directory under the system temporary directory, removed by `cleanUp()`.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("hadic-crypto-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
    }

    func path(_ name: String) -> String {
        url.appendingPathComponent(name).path
    }

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let target = path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: target))
        return target
    }

    func read(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(name))))
    }

    func cleanUp() {
        try? FileManager.default.removeItem(at: url)
    }
}

/// Result of running a command.
struct CommandResult {
    let status: Int32
    let stdout: [UInt8]
    let stderr: String

    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
}

/// Runs `/usr/bin/openssl` (or another tool) with arguments, no shell involved.
enum Tool {
    static let opensslPath = "/usr/bin/openssl"

    static func requireOpenSSL() throws {
        guard FileManager.default.isExecutableFile(atPath: opensslPath) else {
            throw XCTSkip("\(opensslPath) is not installed")
        }
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read both pipes fully before waiting so a chatty tool cannot block on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return CommandResult(
            status: process.terminationStatus,
            stdout: [UInt8](outData),
            stderr: String(decoding: errData, as: UTF8.self)
        )
    }

    /// Runs openssl and fails the test (by throwing) if it exits non-zero.
    @discardableResult
    static func openssl(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> CommandResult {
        try requireOpenSSL()
        let result = try run(opensslPath, arguments)
        if result.status != 0 {
            XCTFail("openssl \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)", file: file, line: line)
            throw CryptoError.fileIO(path: opensslPath, reason: "openssl failed")
        }
        return result
    }
}

/// Independent helpers for ECDSA DER, written separately from `ECDSASignature` so tests
/// do not check the implementation against itself.
enum TestDER {
    /// P-256 group order n, big-endian.
    static let n: [UInt8] = Hex.decode("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551") ?? []

    /// Splits `30 L 02 lr r 02 ls s` (short lengths only) into the raw INTEGER contents.
    static func split(_ der: [UInt8]) -> (r: [UInt8], s: [UInt8])? {
        guard der.count > 6, der[0] == 0x30, Int(der[1]) == der.count - 2, der[2] == 0x02 else { return nil }
        let lr = Int(der[3])
        guard 4 + lr + 2 <= der.count, der[4 + lr] == 0x02 else { return nil }
        let ls = Int(der[5 + lr])
        guard 6 + lr + ls == der.count else { return nil }
        return (Array(der[4..<(4 + lr)]), Array(der[(6 + lr)...]))
    }

    /// Builds `30 L 02 lr r 02 ls s` from raw INTEGER contents, as given (no normalisation).
    static func join(r: [UInt8], s: [UInt8]) -> [UInt8] {
        let body = [0x02, UInt8(r.count)] + r + [0x02, UInt8(s.count)] + s
        return [0x30, UInt8(body.count)] + body
    }

    /// Unsigned big-endian value of an INTEGER content, left-padded to 32 bytes.
    static func magnitude32(_ content: [UInt8]) -> [UInt8] {
        let trimmed = Array(content.drop { $0 == 0 })
        return [UInt8](repeating: 0, count: max(0, 32 - trimmed.count)) + trimmed
    }

    /// Minimal DER INTEGER content for an unsigned big-endian value.
    static func integerContent(_ value: [UInt8]) -> [UInt8] {
        var trimmed = Array(value.drop { $0 == 0 })
        if trimmed.isEmpty { trimmed = [0] }
        if trimmed[0] >= 0x80 { trimmed.insert(0, at: 0) }
        return trimmed
    }

    /// n - x for 32-byte big-endian x < n.
    static func orderMinus(_ x: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var borrow = 0
        for i in (0..<32).reversed() {
            let d = Int(n[i]) - Int(x[i]) - borrow
            out[i] = UInt8((d + 256) % 256)
            borrow = d < 0 ? 1 : 0
        }
        return out
    }

    /// Whether s (32 bytes) is greater than n/2, decided as 2s > n.
    static func isHighS(_ s: [UInt8]) -> Bool {
        // Double s into 33 bytes and compare with n (zero-extended).
        var doubled = [UInt8](repeating: 0, count: 33)
        var carry = 0
        for i in (0..<32).reversed() {
            let d = Int(s[i]) * 2 + carry
            doubled[i + 1] = UInt8(d & 0xFF)
            carry = d >> 8
        }
        doubled[0] = UInt8(carry)
        let n33 = [0] + n
        for i in 0..<33 where doubled[i] != n33[i] {
            return doubled[i] > n33[i]
        }
        return false
    }

    /// The same signature with s replaced by n - s, DER-encoded minimally.
    static func flippedS(_ der: [UInt8]) -> [UInt8]? {
        guard let (r, s) = split(der) else { return nil }
        let flipped = orderMinus(magnitude32(s))
        return join(r: r, s: integerContent(flipped))
    }
}

extension XCTestCase {
    /// Asserts that `body` throws a `CryptoError` matching `predicate`.
    func assertCryptoError<T>(
        _ body: @autoclosure () throws -> T,
        file: StaticString = #filePath, line: UInt = #line,
        _ predicate: (CryptoError) -> Bool
    ) {
        do {
            _ = try body()
            XCTFail("expected a CryptoError, nothing was thrown", file: file, line: line)
        } catch let error as CryptoError {
            XCTAssertTrue(predicate(error), "unexpected error: \(error)", file: file, line: line)
            XCTAssertFalse(error.description.contains("\n"), "error message spans lines", file: file, line: line)
        } catch {
            XCTFail("expected a CryptoError, got \(error)", file: file, line: line)
        }
    }
}
