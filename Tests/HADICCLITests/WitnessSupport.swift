import Foundation
import XCTest

/// A witness served over HTTP by the real binary (`hadic witness serve` on 127.0.0.1), for the
/// tests of the server itself and of a sequencer collecting from it.
struct RunningWitness {
    static let name = "witness.example/w1"
    let process: HadicProcess
    let port: Int
    /// Its verifier key (`hadic witness key`).
    let vkey: String

    func stop() {
        process.sendSignal(SIGTERM)
        _ = process.wait(timeout: 10)
    }
}

extension HadicTestCase {
    /// Starts a witness that accepts the checkpoints of `logKey` (a `hadic witness log-key`),
    /// keeping its state in `state`, and waits (bounded) until it listens.
    func startWitness(log logKey: String, state: String, file: StaticString = #filePath, line: UInt = #line) throws -> RunningWitness {
        let key = path("w1.key")
        if !FileManager.default.fileExists(atPath: key) { hadic(["key", "generate", "--out", key]) }
        let vkey = hadic(["witness", "key", "--key", key + ".pub", "--name", RunningWitness.name]).stdout.trimmingCharacters(in: .newlines)
        let port = NodeHarness.freePort()
        let p = try Hadic.start(["witness", "serve", "--listen", "127.0.0.1:\(port)", "--state", path(state),
                                 "--key", key, "--name", RunningWitness.name, "--log", logKey])
        let up = HadicProcess.waitUntil(timeout: 30) { p.stderrSoFar.contains("listening on") || !p.isRunning }
        XCTAssertTrue(up && p.isRunning, "the witness did not start: \(p.stderrSoFar)", file: file, line: line)
        return RunningWitness(process: p, port: port, vkey: vkey)
    }
}
