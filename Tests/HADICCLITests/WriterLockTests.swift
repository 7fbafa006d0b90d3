import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// One writer per data directory (docs/STORAGE.md, "One writer"): a second writer fails at
/// once, readers keep working, and the lock goes with the holder.
final class WriterLockTests: HadicTestCase {
    func testSecondWriterFailsWhileTheFirstHoldsTheDirectory() throws {
        let dir = makeFixtureLedger()
        let envelopes = sign([Self.lotCreateTemplate("rempah-madura/lock-1"), Self.lotCreateTemplate("rempah-madura/lock-2")],
                             key: "rempah-madura-2.key", actor: "rempah-madura")
        XCTAssertEqual(envelopes.count, 2)
        guard envelopes.count == 2 else { return }
        let ids = envelopes.map { Hadic.eventID(ofCanonicalEnvelope: $0) ?? "?" }
        let second = try write(envelopes[1] + "\n", to: "second.jsonl")

        // The holder takes the lock at start, then waits for its input on a pipe kept open.
        let holder = try Hadic.start(["append", "--data", dir, "--signed", "-"], interactiveStdin: true)
        defer {
            holder.sendSignal(SIGKILL)
            _ = holder.wait(timeout: 10)
        }
        let lockFile = (dir as NSString).appendingPathComponent("LOCK")
        let expectedHolder = "pid \(holder.pid): hadic append"
        let locked = HadicProcess.waitUntil(timeout: 30) {
            ((try? String(contentsOfFile: lockFile, encoding: .utf8)) ?? "").contains(expectedHolder)
        }
        XCTAssertTrue(locked, "the first writer must record itself in \(lockFile)")
        XCTAssertTrue(holder.isRunning, "the holder waits for input")

        let refused = hadic(["append", "--data", dir, "--signed", second], exit: 2)
        XCTAssertEqual(refused.stdout, "")
        XCTAssertEqual(refused.stderrLines.count, 1, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("held by"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("one writer at a time"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains(expectedHolder), "the error names the holder: \(refused.stderr)")

        let templates = hadic(["append", "--data", dir, "--key", Hadic.key("rempah-madura-2.key"), "--actor", "rempah-madura"],
                              stdin: Self.lotCreateTemplate("rempah-madura/lock-3") + "\n", exit: 2)
        XCTAssertTrue(templates.stderr.contains("held by"), templates.stderr)
        let reindex = hadic(["reindex", "--data", dir], exit: 2)
        XCTAssertTrue(reindex.stderr.contains("held by") && reindex.stderr.contains("one writer at a time"), reindex.stderr)
        let reinit = hadic(["init", "--data", dir, "--name", Hadic.origin, "--sequencer-key", Hadic.key("sequencer.key"),
                            "--admin-key", Hadic.key("hcms-admin.key.pub")], exit: 2)
        XCTAssertTrue(reinit.stderr.contains("held by"), reinit.stderr)

        // Readers never wait for the writer.
        XCTAssertEqual(treeSize(dir), 53)
        hadic(["verify", "--data", dir])
        hadic(["verify", "--data", dir, "--full"])
        XCTAssertEqual(export(dir).split(separator: "\n").count, 53)
        XCTAssertTrue(hadic(["checkpoint", "--data", dir]).stdout.hasPrefix("\(Hadic.origin)\n53\n"))
        XCTAssertTrue(holder.isRunning, "the holder is still waiting")

        // The holder gets its input and finishes; the lock goes with it.
        try holder.writeStdin(Data((envelopes[0] + "\n").utf8))
        holder.closeStdin()
        let first = holder.wait(timeout: 60)
        expect(first, exit: 0)
        XCTAssertEqual(first.lines, [ids[0]])

        let next = hadic(["append", "--data", dir, "--signed", second])
        XCTAssertEqual(next.lines, [ids[1]])
        XCTAssertEqual(treeSize(dir), 55)
        hadic(["reindex", "--data", dir])
        hadic(["verify", "--data", dir, "--full"])
    }
}
