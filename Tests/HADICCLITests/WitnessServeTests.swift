import Foundation
import XCTest

/// `hadic witness serve` spoken to byte by byte over 127.0.0.1: each way a request can be wrong
/// gets the status C2SP tlog-witness (or HTTP) gives it, with a body that says why, and the
/// server goes on answering other connections.
final class WitnessServeTests: HadicTestCase {
    /// One HTTP exchange on its own connection: status, headers (lowercased names), body.
    struct Answer {
        let status: Int
        let headers: [String: String]
        let body: String
    }

    private func exchange(_ port: Int, _ request: [UInt8], file: StaticString = #filePath, line: UInt = #line) throws -> Answer {
        let c = try XCTUnwrap(RawConnection(port: port, timeout: 10), "cannot connect to the witness", file: file, line: line)
        c.send(request)
        let bytes = try XCTUnwrap(c.readUntilClosed(), "the witness did not answer and close in time", file: file, line: line)
        let text = String(decoding: bytes, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw HarnessError.failed("not an HTTP answer: \(text)") }
        var lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, statusLine[0] == "HTTP/1.1", let status = Int(statusLine[1]) else {
            throw HarnessError.failed("not an HTTP status line: \(text)")
        }
        var headers: [String: String] = [:]
        for l in lines {
            guard let colon = l.firstIndex(of: ":") else { continue }
            headers[l[..<colon].lowercased()] = l[l.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Answer(status: status, headers: headers, body: String(text[split.upperBound...]))
    }

    private func post(_ body: [UInt8], path: String = "/add-checkpoint", method: String = "POST") -> [UInt8] {
        Array("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n".utf8) + body
    }

    func testEveryWrongRequestGetsItsStatusAndTheServerGoesOn() throws {
        let dir = makeFixtureLedger("seq")
        let logKey = hadic(["witness", "log-key", "--data", dir]).stdout.trimmingCharacters(in: .newlines)
        let w = try startWitness(log: logKey, state: "wstate")
        defer { w.stop() }
        let requestText = hadic(["witness", "request", "--data", dir, "--old", "0"]).stdout
        XCTAssertTrue(requestText.hasPrefix("old 0\n"), requestText)
        let request = Array(requestText.utf8)

        let wrongPath = try exchange(w.port, post(request, path: "/checkpoint"))
        XCTAssertEqual(wrongPath.status, 404, wrongPath.body)
        XCTAssertTrue(wrongPath.body.contains("POST /add-checkpoint"), wrongPath.body)
        let wrongMethod = try exchange(w.port, post([], method: "GET"))
        XCTAssertEqual(wrongMethod.status, 405, wrongMethod.body)

        let garbage = try exchange(w.port, post(Array("old zero\n\nnot a note\n".utf8)))
        XCTAssertEqual(garbage.status, 400, garbage.body)
        XCTAssertTrue(garbage.body.hasPrefix("malformed: "), garbage.body)

        // A stale old size: 409 with the held size (0) as tlog-witness's text/x.tlog.size body.
        let stale = Array(("old 7\n" + requestText.dropFirst("old 0\n".count)).utf8)
        let mismatch = try exchange(w.port, post(stale))
        XCTAssertEqual(mismatch.status, 409, mismatch.body)
        XCTAssertEqual(mismatch.headers["content-type"], "text/x.tlog.size")
        XCTAssertEqual(mismatch.body, "0\n")

        // A checkpoint of another ledger: 404 unknown-origin.
        let other = path("other")
        hadic(["init", "--data", other, "--name", "other.example/ledger", "--sequencer-key", Hadic.key("sequencer.key"),
               "--admin-key", Hadic.key("hcms-admin.key.pub"), "--admin-name", "hcms-admin"])
        let foreign = try exchange(w.port, post(Array(hadic(["witness", "request", "--data", other, "--old", "0"]).stdout.utf8)))
        XCTAssertEqual(foreign.status, 404, foreign.body)
        XCTAssertTrue(foreign.body.hasPrefix("unknown-origin: "), foreign.body)

        // A declared body over 1 MiB: 413 at once, and the connection closed without reading it.
        let huge = Array("POST /add-checkpoint HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2147483648\r\n\r\nold 0\n".utf8)
        let tooLarge = try exchange(w.port, huge)
        XCTAssertEqual(tooLarge.status, 413, tooLarge.body)
        XCTAssertEqual(tooLarge.headers["connection"], "close")
        // The same, chunked: refused once the bytes pass the bound.
        let chunk = [UInt8](repeating: 0x61, count: 600_000)
        let chunked = Array("POST /add-checkpoint HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
            + Array(String(chunk.count, radix: 16).utf8) + [13, 10] + chunk + [13, 10]
            + Array(String(chunk.count, radix: 16).utf8) + [13, 10] + chunk + [13, 10]
        XCTAssertEqual(try exchange(w.port, chunked).status, 413)

        // Bytes that are not HTTP: NIO's error handling answers 400 and closes.
        XCTAssertEqual(try exchange(w.port, Array("HELLO WITNESS\r\n\r\n".utf8)).status, 400)

        // Through all of it the server kept serving, and its state is untouched: the first
        // checkpoint is cosigned from 0, and a cosignature line of this witness comes back.
        let ok = try exchange(w.port, post(request))
        XCTAssertEqual(ok.status, 200, ok.body)
        XCTAssertTrue(ok.body.hasPrefix("\u{2014} \(RunningWitness.name) "), ok.body)
        let attached = hadic(["witness", "attach", "--data", dir, "--witness", w.vkey, try write(ok.body, to: "cosig")])
        XCTAssertEqual(attached.status, 0, attached.summary)
        XCTAssertTrue(w.process.isRunning)
        XCTAssertTrue(w.process.stderrSoFar.contains("refused (409 old-size-mismatch)"), w.process.stderrSoFar)
    }
}
