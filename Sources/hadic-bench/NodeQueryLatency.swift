import ArgumentParser
import Foundation
import HADICCore
import HADICLedger
import HADICPeer
import HADICQuery
import HADICStore
import NIOCore
import NIOPosix

/// `hadic-bench node-queries`: latency of `trace back` and `assess` through a running node
/// (`hadic trace back --node`, `hadic assess --node`), over the same sample of lots as the
/// in-process `queries` benchmark picks, one request at a time on one connection.
struct NodeQueryLatency: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node-queries",
        abstract: "Measure trace and assessment latency through a running node (docs/PERFORMANCE.md).",
        discussion: """
            Picks the lots as `hadic-bench queries` does (--sample lots of --class through the \
            lots-by-class index of --data, spread evenly, and as many others to warm up with), then \
            asks the node for each lot's backward trace (text) and its assessment for --market (text) \
            at the head's time, timing each request from send to answer. Passes: a warm-up over the \
            other lots (not reported), the measured lots (a node's first answers about them), then \
            --repeats passes over them again. --data may be a copy of the node's data directory or \
            the directory itself (it is only read).
            """
    )

    @Option(help: ArgumentHelp("The node (hadicd).", valueName: "HOST:PORT"))
    var node: String

    @Option(help: "A data directory holding the node's ledger (only read, to pick the lots and the head's time).")
    var data: String

    @Option(name: .customLong("class"), help: "Material class of the lots to measure; repeat for several.")
    var materialClasses: [String]

    @Option(help: "Market code for the assessment.")
    var market: String

    @Option(help: "How many lots.")
    var sample: Int = 200

    @Option(help: "How many passes over the measured lots after the first.")
    var repeats: Int = 1

    @Option(help: "Assess at this time (RFC 3339 UTC); default: the ledger head's time.")
    var at: String?

    func run() throws {
        let dir = try DataDirectory(reading: data)
        let store = dir.store
        guard let head = try store.latestBlock() else { throw ValidationError("\(data) holds no ledger") }
        let time = try at.map { text in
            guard let t = Timestamp(text) else { throw ValidationError("--at: expected an RFC 3339 UTC time, got \(text)") }
            return t
        } ?? head.header.time
        let all = try store.lots(ofClasses: materialClasses)
        guard !all.isEmpty else { throw ValidationError("no lot of class \(materialClasses.joined(separator: ", "))") }
        // The same two interleaved samples as `hadic-bench queries`.
        let step = max(1, all.count / max(1, 2 * sample))
        let picked = stride(from: 0, to: all.count, by: step).prefix(2 * sample).map { all[$0] }
        let lots = picked.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        let warmers = picked.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)

        let client = try BenchConnection(node)
        defer { client.close() }
        let connection = client.connection

        /// One request, timed from send to answer (ms); the answer's status.
        func ask(_ query: LedgerQuery) throws -> (Double, Int) {
            let sent = DispatchTime.now().uptimeNanoseconds
            let answer = try connection.request(.query(query.json), timeout: .seconds(300)).wait()
            let took = Double(DispatchTime.now().uptimeNanoseconds - sent) / 1e6
            guard case .answer(_, let status) = answer else {
                throw ValidationError("node \(node) answered \(answer.kind.name) to \(query.json.canonicalString)")
            }
            return (took, status)
        }

        print("ledger: \(try store.eventCount()) events, \(all.count) lots of class \(materialClasses.joined(separator: ", ")); "
              + "\(lots.count) measured through node \(node), assessed for \(market) at \(time)")
        var rows: [(String, [Double])] = []
        var supported = 0
        for pass in ["warm-up", "first"] + Array(repeating: "repeat", count: max(0, repeats)) {
            var traces: [Double] = [], assessments: [Double] = []
            for lot in pass == "warm-up" ? warmers : lots {
                traces.append(try ask(.traceBack(lot: lot, format: .text)).0)
                let (took, status) = try ask(.assess(lot: lot, market: market, at: time, json: false, verifySignatures: false))
                assessments.append(took)
                if pass == "first", status == 0 { supported += 1 }
            }
            guard pass != "warm-up" else { continue }
            rows.append(("trace back, \(pass)", traces))
            rows.append(("assess, \(pass)", assessments))
        }
        print("\(supported) of \(lots.count) supported")
        for (name, values) in rows {
            print(String(format: "%-20@ p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms", name as NSString,
                         QueryLatency.percentile(values, 0.5), QueryLatency.percentile(values, 0.99), values.max() ?? 0))
        }
    }
}
