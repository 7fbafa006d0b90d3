import Foundation
import HADICCore
import XCTest
@testable import HADICEPCIS

/// Builds documents around single events and reads fixtures, for the EPCIS tests.
enum EPCISTest {
    static let context = #"["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"example": "https://ns.example.com/epcis/"}]"#

    /// An EPCISDocument holding the given event JSON texts.
    static func document(_ events: [String], context: String = context) -> String {
        """
        {"@context": \(context), "type": "EPCISDocument", "schemaVersion": "2.0",
         "creationDate": "2024-01-01T00:00:00Z", "epcisBody": {"eventList": [\(events.joined(separator: ","))]}}
        """
    }

    static func parse(_ text: String) throws -> EPCISDocument {
        try EPCISDocument.parse(Array(text.utf8))
    }

    /// The one event of a document built around `event`.
    static func event(_ event: String, context: String = context) throws -> (EPCISEvent, [String: String]) {
        let doc = try parse(document([event], context: context))
        return (doc.events[0], doc.namespaces)
    }

    static func preHash(_ event: String, context: String = context) throws -> String {
        let (e, ns) = try self.event(event, context: context)
        return try EPCISEventHasher.preHashString(e, namespaces: ns)
    }

    static func hash(_ event: String, context: String = context) throws -> EPCISEventHash {
        let (e, ns) = try self.event(event, context: context)
        return try EPCISEventHasher.hash(e, namespaces: ns)
    }

    /// The error parsing `text` throws; fails the test when it parses.
    static func parseError(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> EPCISError? {
        do {
            _ = try EPCISDocument.parse(Array(text.utf8))
            XCTFail("document was accepted", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    static var fixtures: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/epcis")
    }

    static func fixture(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: fixtures.appendingPathComponent(name)))
    }

    /// SHA-256 of `text`'s UTF-8 computed by the `openssl` command, as lowercase hex: an
    /// implementation independent of HADICCrypto.
    static func opensslSHA256(_ text: String) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("epcis-prehash-\(UUID().uuidString)")
        try Data(text.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["dgst", "-sha256", "-r", file.path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw EPCISTestFailure("openssl exited \(process.terminationStatus)") }
        return String(String(decoding: data, as: UTF8.self).prefix(64))
    }
}

struct EPCISTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
