import Foundation
import XCTest
import HADICCore
import HADICCrypto

/// Times the grammar accepts (years up to 9999) but whose nanoseconds do not fit in Int64
/// (after 2262-04-11T23:47:16.854775807Z). Parsing one must never trap: a trap would let any
/// submitter crash the sequencer with one event. Each check runs in a child process (this test
/// binary, filtered to this test), so a trap fails this test instead of killing the whole run.
final class TimestampRangeTests: XCTestCase {
    private static let probeVariable = "HADIC_TIMESTAMP_RANGE_PROBE"

    private var isProbe: Bool { ProcessInfo.processInfo.environment[Self.probeVariable] != nil }

    /// Runs `name` of this class in a child process; returns its exit status and output.
    private func runInChild(_ name: String) throws -> (status: Int32, signal: Bool, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["HADICCoreTests.TimestampRangeTests/\(name)"]
        var env = ProcessInfo.processInfo.environment
        env[Self.probeVariable] = "1"
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, process.terminationReason == .uncaughtSignal, String(decoding: data, as: UTF8.self))
    }

    private func inChild(_ name: String = #function, file: StaticString = #filePath, line: UInt = #line) throws -> Bool {
        if isProbe { return true }
        let testName = name.hasSuffix("()") ? String(name.dropLast(2)) : name
        let r = try runInChild(testName)
        let lines = r.output.split(separator: "\n")
        if r.signal {
            let why = (lines.filter { $0.contains("*** Swift runtime failure") }.prefix(1)
                + lines.filter { $0.contains("/Sources/") }.prefix(2)).joined(separator: "\n")
            XCTFail("the check crashed the process:\n\(why)", file: file, line: line)
        } else {
            let failures = lines.filter { $0.contains(": error: ") }.prefix(5).joined(separator: "\n")
            XCTAssertEqual(r.status, 0, "the check failed in the child process:\n\(failures)", file: file, line: line)
            XCTAssertTrue(r.output.contains("Executed 1 test"), "the child ran no test:\n\(r.output.suffix(500))", file: file, line: line)
        }
        return false
    }

    func testParsingFarFutureTimesDoesNotTrap() throws {
        guard try inChild() else { return }
        // Either refused (nil) or ordered after the last accepted instant.
        let bound = try XCTUnwrap(Timestamp("2261-12-31T23:59:59.999999999Z"))
        XCTAssertNil(Timestamp("2262-01-01T00:00:00Z"), "years after 2261 are refused")
        XCTAssertEqual(Timestamp(unixSeconds: .max).text, "2261-12-31T23:59:59Z", "clamped, not trapped")
        for text in ["2262-04-11T23:47:16.854775808Z", "2262-04-11T23:47:17Z", "2300-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z"] {
            if let t = Timestamp(text) {
                XCTAssertGreaterThan(t, bound, text)
            }
        }
    }

    func testEnvelopeWithFarFutureTimeIsRefusedNotFatal() throws {
        guard try inChild() else { return }
        let key = try PrivateKey.generate(.ed25519)
        let text = #"{"v":1,"ledger":""# + String(repeating: "ab", count: 32) + #"","type":"lot.recall","actor":"farm","key":""#
            + key.publicKey.keyID + #"","time":"9999-12-31T23:59:59Z","body":{"lot":"farm/a","reason":"x"},"sig":"AAAA"}"#
        do {
            let e = try EventEnvelope.parse(Array(text.utf8))
            // If it parses, the admission rules must still refuse it as too far in the future.
            let admission = Admission(ledgerID: String(repeating: "ab", count: 32))
            var state = LedgerState()
            state.setParty(PartyID("farm")!, PartyRecord(role: .producer, name: "farm", registeredBy: nil, revokedBy: nil))
            XCTAssertThrowsError(try admission.check(e, in: state, now: Timestamp("2026-11-29T05:00:00Z")!) { _ in false }) { error in
                XCTAssertEqual((error as? AdmissionError)?.rule, .futureTime)
            }
        } catch {
            XCTAssertEqual(error.rule, .schema)
        }
    }
}
