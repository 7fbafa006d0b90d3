import ArgumentParser
import Foundation
import HADICCrypto
import HADICLedger
import HADICPeer
import NIOCore
import NIOPosix

/// `hadic-bench ingest-latency`: how long a node takes to answer a submission with its receipts
/// (durable), at a fixed offered rate. Batches of pre-signed events are sent on a fixed
/// schedule (open loop: a slow answer does not delay the next send), and each batch's time from
/// send to receipts is recorded; p50, p99 and max are printed with the rate achieved.
struct IngestLatency: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest-latency",
        abstract: "Measure receipt latency through a running node at a fixed offered rate."
    )

    @Option(help: ArgumentHelp("The node (hadicd).", valueName: "HOST:PORT"))
    var node: String

    @Option(help: ArgumentHelp("Pre-signed events, one per line, all admissible in any order.", valueName: "FILE"))
    var events: String

    @Option(help: "Events per second to offer.")
    var rate: Double

    @Option(help: "Events per submission.")
    var batch = 10

    func run() throws {
        guard rate > 0, batch > 0 else { throw ValidationError("--rate and --batch must be positive") }
        guard let text = try? String(contentsOfFile: events, encoding: .utf8) else { throw ValidationError("cannot read \(events)") }
        let lines = text.split(separator: "\n").map { Array($0.utf8) }
        let client = try BenchConnection(node)
        defer { client.close() }
        let connection = client.connection

        let batches = stride(from: 0, to: lines.count, by: batch).map { Array(lines[$0..<min(lines.count, $0 + batch)]) }
        let interval = Double(batch) / rate
        let tally = Tally()
        let done = DispatchGroup()
        let start = DispatchTime.now().uptimeNanoseconds
        for (i, b) in batches.enumerated() {
            let due = start + UInt64(Double(i) * interval * 1e9)
            let now = DispatchTime.now().uptimeNanoseconds
            if due > now { usleep(useconds_t((due - now) / 1000)) }
            let sent = DispatchTime.now().uptimeNanoseconds
            done.enter()
            connection.request(.submit(b), timeout: .seconds(120)).whenComplete { result in
                let took = Double(DispatchTime.now().uptimeNanoseconds - sent) / 1e6
                tally.record(result, took)
                done.leave()
            }
        }
        guard done.wait(timeout: .now() + 180) == .success else { throw ValidationError("receipts did not all come within 180 s") }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let (latencies, refused, failures) = tally.totals
        guard failures.isEmpty else { throw ValidationError("\(failures.count) submissions failed, first: \(failures[0])") }
        let sorted = latencies.sorted()
        func pct(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)] }
        print(String(format: "ingest-latency: %d events in %d submissions of %d, offered %.0f/s, achieved %.0f/s; receipt p50 %.1f ms  p99 %.1f ms  max %.1f ms; refused %d",
                     lines.count, batches.count, batch, rate, Double(lines.count) / elapsed, pct(0.5), pct(0.99), sorted.last ?? 0, refused))
    }
}

/// What the answers said, gathered from the event loop's thread.
private final class Tally: @unchecked Sendable {
    private let lock = NSLock()
    private var latencies: [Double] = []
    private var refused = 0
    private var failures: [String] = []

    func record(_ result: Result<PeerMessage, Error>, _ took: Double) {
        lock.withLock {
            switch result {
            case .success(.receipts(let r)):
                latencies.append(took)
                refused += r.filter { if case .refused = $0 { return true } else { return false } }.count
            case .success(let other): failures.append("answered \(other.kind.name)")
            case .failure(let e): failures.append("\(e)")
            }
        }
    }

    var totals: ([Double], Int, [String]) { lock.withLock { (latencies, refused, failures) } }
}
