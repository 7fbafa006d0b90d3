import ArgumentParser
import Foundation
import HADICCore
import HADICLedger
import HADICStore

/// `hadic-bench queries` (the default): in-process latency of `trace back` and `assess` over many lots of a
/// ledger (for example one made by `hadic synth --bom deep`), as p50/p99, beside the cost of
/// one event read and parse measured in the same run (the machine is shared and noisy).
struct QueryLatency: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queries",
        abstract: "Measure provenance-query and assessment latency on a ledger (docs/PERFORMANCE.md).",
        discussion: """
            Picks --sample lots of material class --class (through the lots-by-class index, spread \
            evenly), then for each: ProvenanceTrace.back, and Assessor.assess for --market, timing \
            each call with a monotonic clock. The ledger evidence (policies, certificates, asset \
            history) is loaded once, as a node would; its load time is reported separately.
            """
    )

    @Option(help: "The data directory.")
    var data: String

    @Option(name: .customLong("class"), help: "Material class of the lots to measure (e.g. the top level's); repeat for several.")
    var materialClasses: [String]

    @Option(help: "Market code for the assessment.")
    var market: String

    @Option(help: "How many lots.")
    var sample: Int = 200

    @Option(help: "Assess at this time (RFC 3339 UTC); default: the ledger head's time.")
    var at: String?

    @Flag(help: "Also print every lot's closure size and latencies.")
    var verbose = false

    @Flag(help: "Measure trace back only.")
    var traceOnly = false

    @Option(help: "Repeat the 'repeat' pass this many times (for profiling what a node does from memory).")
    var repeats: Int = 1

    @Flag(help: ArgumentHelp("Load every lot and its provenance rows into the evidence's cache first, and work out every use's custody path and every event's signer checks, as a node does at start.",
                             discussion: "The warm pass then measures a node's first answer for each lot (everything in memory, nothing yet worked out for it); the cold pass is unchanged."))
    var preload = false

    @Option(help: ArgumentHelp("Load (and with --preload, prepare) the evidence as the ledger stood this many events before its head, then move it forward to the head (LedgerEvidence.advance), as a node does after the blocks it stores.",
                               discussion: "Prints what the advance touched and how long it took; --verify then checks the advanced state's answers against fresh ones."))
    var advanceLast: UInt64 = 0

    @Option(help: "How many lots (and lines, rows, events) the shared cache holds (small values test a preload that stops early).")
    var cacheCapacity = 500_000

    @Option(help: "Run the rules on two cores for closures of at least this many lots (0: never; 1: always, which --verify compares with one after the other).")
    var parallelFrom = Assessor.largeClosure

    @Flag(help: "Skip the cold and warm passes: fill the cache with the measured lots, then run only the repeat passes (for profiling).")
    var memoryOnly = false

    @Flag(help: ArgumentHelp("Check that what a node remembers between assessments changes no answer.",
                             discussion: "Before the passes, assesses every measured lot at the head's time and at a time halfway through the ledger, interleaved, with the shared cache, and compares each answer with one made from a fresh cache. Exits 1 on the first difference."))
    var verify = false

    @Flag(help: "After the passes, time building the closure and the whole assessment separately, from memory (best of 5 per lot).")
    var phases = false

    func run() throws {
        let dir = try DataDirectory(reading: data)
        let store = dir.store
        guard let head = try store.latestBlock() else { throw ValidationError("\(data) holds no ledger") }
        let time = at.flatMap(Timestamp.init) ?? head.header.time
        let all = try store.lots(ofClasses: materialClasses)
        guard !all.isEmpty else { throw ValidationError("no lot of class \(materialClasses.joined(separator: ", "))") }
        // Two interleaved samples: the measured lots, and others that warm the cache first.
        let step = max(1, all.count / max(1, 2 * sample))
        let picked = stride(from: 0, to: all.count, by: step).prefix(2 * sample).map { all[$0] }
        let lots = picked.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        let warmers = picked.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)

        // Reference: one random event read + parse, in this run.
        let count = try store.eventCount()
        var g = SystemRandomNumberGenerator()
        let refReads = 5000
        let indices = (0..<refReads).map { _ in UInt64.random(in: 0..<count, using: &g) }
        var stored: [StoredEvent] = []
        let readStart = DispatchTime.now().uptimeNanoseconds
        try store.consistentReads { source in
            for i in indices { if let e = try source.event(at: i) { stored.append(e) } }
        }
        let readMicros = Double(DispatchTime.now().uptimeNanoseconds - readStart) / 1000 / Double(refReads)
        let lightStart = DispatchTime.now().uptimeNanoseconds
        for e in stored { _ = try AdmittedEvent(leafBytes: e.leafBytes, type: e.type) }
        let lightMicros = Double(DispatchTime.now().uptimeNanoseconds - lightStart) / 1000 / Double(refReads)
        let fullStart = DispatchTime.now().uptimeNanoseconds
        for e in stored { _ = try EventEnvelope.parse(e.leafBytes) }
        let fullMicros = Double(DispatchTime.now().uptimeNanoseconds - fullStart) / 1000 / Double(refReads)
        let refMicros = readMicros + fullMicros
        print(String(format: "per event, random over the ledger: SQLite read %.1f µs, body read (AdmittedEvent) %.1f µs, full parse %.1f µs",
                     readMicros, lightMicros, fullMicros))

        guard advanceLast < count else { throw ValidationError("--advance-last \(advanceLast): the ledger holds \(count) events") }
        let loadStart = DispatchTime.now().uptimeNanoseconds
        let evidence = try LedgerEvidence(source: source(store, count), cacheCapacity: cacheCapacity)
        let loadMillis = Double(DispatchTime.now().uptimeNanoseconds - loadStart) / 1e6
        if preload { try start(evidence, store: store, at: time, report: true) }
        if advanceLast > 0 { try advance(evidence, to: count, report: true) }
        var assess = !traceOnly
        if assess { do {
            _ = try evidence.policy(at: time)
        } catch {
            print("no assessment: \(error)")
            assess = false
        } }
        print("ledger: \(count) events, \(all.count) lots of class \(materialClasses.joined(separator: ", ")); \(lots.count) measured, assessed for \(market) at \(time)")
        print(String(format: "reference: one event read + full parse %.1f µs; evidence load (policies, %d certificate holders) %.1f ms",
                     refMicros, evidence.certificates.count, loadMillis))

        if verify, assess {
            // On evidence of its own, loaded the same way: the measured passes start untouched.
            let checked = try LedgerEvidence(source: source(store, count), cacheCapacity: cacheCapacity)
            if preload { try start(checked, store: store, at: time, report: false) }
            if advanceLast > 0 { try advance(checked, to: count, report: false) }
            try verifyReuse(lots: picked, evidence: checked, store: store, head: time)
        }

        // Cold: nothing kept between queries (what a one-shot `hadic trace` or `hadic assess` does).
        // Warm: what queries read kept in the evidence's cache (what a node does), after queries
        // about *other* lots (the warm-up sample) have filled it: the measured lots themselves
        // are new to it, their shared upstream is not. Repeat: the same lots again, all in
        // memory: the floor the rules themselves set.
        let cold = Assessor(evidence: evidence, reuseEvents: false, parallelRulesFromLots: parallelRules)
        let warm = Assessor(evidence: evidence, reuseEvents: true, parallelRulesFromLots: parallelRules)
        var rows: [(String, [Double])] = []
        var closureLots: [Int] = [], supported = 0
        let passes = memoryOnly ? ["fill"] : ["cold", "warm-up", "warm"]
        for pass in passes + Array(repeating: "repeat", count: max(1, repeats)) {
            var traceMillis: [Double] = [], assessMillis: [Double] = []
            if verbose {  // on the monotonic clock, to cut a profile into passes (perf script --time)
                print(String(format: "pass %@ starts at %.6f s", pass as NSString, Double(DispatchTime.now().uptimeNanoseconds) / 1e9))
            }
            for lot in pass == "warm-up" ? warmers : lots {
                let useCache = pass != "cold"
                let t0 = DispatchTime.now().uptimeNanoseconds
                let tree = try store.consistentReads {
                    try ProvenanceTrace(source: $0, cache: useCache ? evidence.cache : nil).back(lot)
                }
                let t1 = DispatchTime.now().uptimeNanoseconds
                traceMillis.append(Double(t1 - t0) / 1e6)
                guard assess else {
                    if pass == "cold" { closureLots.append(Self.distinct(tree)) }
                    continue
                }
                let a = try (useCache ? warm : cold).assess(lot, market: market, at: time)
                let t2 = DispatchTime.now().uptimeNanoseconds
                assessMillis.append(Double(t2 - t1) / 1e6)
                if pass == "cold" {
                    closureLots.append(a.closureLots)
                    if a.supported { supported += 1 }
                    if verbose {
                        print("\(lot)  tree \(Self.size(tree)) nodes, closure \(a.closureLots) lots \(a.closureEvents) events  "
                              + String(format: "trace %.2f ms  assess %.2f ms  %@", traceMillis.last ?? 0, assessMillis.last ?? 0,
                                       a.supported ? "supported" : "not supported"))
                    }
                }
            }
            guard pass != "warm-up", pass != "fill" else { continue }
            rows.append(("trace back, \(pass)", traceMillis))
            if !assessMillis.isEmpty { rows.append(("assess, \(pass)", assessMillis)) }
        }
        if verbose, assess {
            for lot in lots.prefix(5) {
                let t0 = DispatchTime.now().uptimeNanoseconds
                let c = try store.consistentReads { try LotClosure(root: lot, at: time, from: $0, cache: evidence.cache) }
                let t1 = DispatchTime.now().uptimeNanoseconds
                _ = try warm.assess(lot, market: market, at: time)
                let t2 = DispatchTime.now().uptimeNanoseconds
                print(String(format: "warm: closure of %d lots, %d events built in %.2f ms; whole assessment %.2f ms",
                             c.lots.count, c.steps.count, Double(t1 - t0) / 1e6, Double(t2 - t1) / 1e6))
            }
        }
        if phases, assess {
            // Best of five per lot: the floor of each phase, with the machine's stalls filtered out.
            var closureBest = 0.0, wholeBest = 0.0
            for lot in lots {
                var c = Double.infinity, w = Double.infinity
                for _ in 0..<5 {
                    let t0 = DispatchTime.now().uptimeNanoseconds
                    _ = try store.consistentReads { try LotClosure(root: lot, at: time, from: $0, cache: evidence.cache) }
                    let t1 = DispatchTime.now().uptimeNanoseconds
                    _ = try warm.assess(lot, market: market, at: time)
                    let t2 = DispatchTime.now().uptimeNanoseconds
                    c = min(c, Double(t1 - t0) / 1e6)
                    w = min(w, Double(t2 - t1) / 1e6)
                }
                closureBest += c
                wholeBest += w
            }
            let n = Double(lots.count)
            print(String(format: "phases from memory, best of 5, mean over %d lots: closure %.2f ms, whole assessment %.2f ms (rules %.2f ms)",
                         lots.count, closureBest / n, wholeBest / n, (wholeBest - closureBest) / n))
        }
        let sizes = closureLots.sorted()
        print("closure lots: min \(sizes.first ?? 0), median \(Self.percentile(sizes.map(Double.init), 0.5)), max \(sizes.last ?? 0)"
              + (assess ? "; \(supported) of \(lots.count) supported" : ""))
        for (name, values) in rows {
            let p50 = Self.percentile(values, 0.5), p99 = Self.percentile(values, 0.99)
            print(String(format: "%-18@ p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms  (p99 = %.0f event reads)",
                         name as NSString, p50, p99, values.max() ?? 0, p99 * 1000 / refMicros))
        }
    }

    var parallelRules: Int? { parallelFrom > 0 ? parallelFrom : nil }

    /// Assessments made with the shared cache (and the evidence's memos) must equal fresh ones,
    /// at the head's time and at an earlier one, in any order.
    func verifyReuse(lots: [LotID], evidence: LedgerEvidence, store: SQLiteLedgerStore, head: Timestamp) throws {
        // The time of the event halfway through the ledger: lots made later are skipped there.
        let middle = try store.event(at: try store.eventCount() / 2)?.time ?? head
        let shared = Assessor(evidence: evidence, reuseEvents: true, parallelRulesFromLots: parallelRules)
        // The reference runs the rules one after the other: the shared one's run in parallel.
        let fresh = Assessor(evidence: evidence, reuseEvents: false, parallelRulesFromLots: nil)
        var compared = 0
        for time in [head, middle, head] {
            for lot in lots {
                let a: Assessment, b: Assessment
                do { a = try shared.assess(lot, market: market, at: time) } catch {
                    // Made later than `time`, for example: the fresh assessment must say the same.
                    let same = (try? fresh.assess(lot, market: market, at: time)) == nil
                    guard same else {
                        print("reuse check FAILED: \(lot) at \(time): with the shared cache: \(error); fresh: an answer")
                        throw ExitCode(1)
                    }
                    continue
                }
                b = try fresh.assess(lot, market: market, at: time)
                if time == head {
                    let remembered = try store.consistentReads { try ProvenanceTrace(source: $0, cache: evidence.cache).back(lot) }
                    let afresh = try store.consistentReads { try ProvenanceTrace(source: $0).back(lot) }
                    guard Self.outline(remembered) == Self.outline(afresh) else {
                        print("reuse check FAILED: trace back of \(lot) differs with the shared cache")
                        throw ExitCode(1)
                    }
                }
                if let difference = Self.difference(a, b) {
                    print("reuse check FAILED: \(lot) at \(time): \(difference)")
                    throw ExitCode(1)
                }
                compared += 1
            }
        }
        print("reuse check: \(compared) assessments made with the shared cache\(parallelRules.map { ", rules on two cores from \($0) lots," } ?? "") equal fresh ones, rules one after the other (at \(head) and \(middle))")
    }

    /// Everything a trace tree shows, one line per node.
    static func outline(_ node: TraceNode, depth: Int = 0) -> String {
        var line = "\(depth) \(node.lot) \(node.record.map { "\($0)" } ?? "-") \(node.quantity.map { "\($0)" } ?? "-") "
        line += "\(node.step.map { "\($0)" } ?? "-") \(node.repeated)\n"
        return line + node.children.map { outline($0, depth: depth + 1) }.joined()
    }

    /// The first difference between two assessments, or nil.
    static func difference(_ a: Assessment, _ b: Assessment) -> String? {
        if a.closureLots != b.closureLots || a.closureEvents != b.closureEvents {
            return "closure \(a.closureLots) lots \(a.closureEvents) events vs \(b.closureLots) lots \(b.closureEvents) events"
        }
        for (x, y) in zip(a.results, b.results) {
            if x.problems != y.problems { return "\(x.rule.rawValue) problems: \(x.problems) vs \(y.problems)" }
            if x.lots != y.lots || x.events != y.events || x.certificates != y.certificates {
                return "\(x.rule.rawValue) evidence used: \(x.lots.count) lots, \(x.events.count) events, \(x.certificates.sorted()) vs \(y.lots.count) lots, \(y.events.count) events, \(y.certificates.sorted())"
            }
            if x.note != y.note { return "\(x.rule.rawValue) note: \(x.note) vs \(y.note)" }
        }
        return nil
    }

    /// The store, or (with --advance-last) the store as it stood that many events before its head.
    func source(_ store: SQLiteLedgerStore, _ count: UInt64) -> any AssessmentSource {
        advanceLast > 0 ? EarlierLedgerView(store: store, size: count - advanceLast) : store
    }

    /// What a node does after storing blocks: moves the evidence forward to the head.
    func advance(_ evidence: LedgerEvidence, to size: UInt64, report: Bool) throws {
        let from = evidence.treeSize
        let start = DispatchTime.now().uptimeNanoseconds
        let done = try evidence.advance(to: size)
        guard report else { return }
        print(String(format: "advance: %llu -> %llu events (%@%@): %d lots touched, %d entries dropped, %d read again, %d uses' paths and %d closure rows prepared again, in %.1f ms",
                     from, size, done.global ? "ledger-wide change" : "lot events only", done.assets ? ", assets" : "",
                     done.touchedLots, done.cache.dropped, done.cache.reloaded, done.prepared?.uses ?? 0, done.prepared?.fragments ?? 0,
                     Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6))
    }

    /// What a node does at start: loads every lot, then prepares the market measured.
    func start(_ evidence: LedgerEvidence, store: SQLiteLedgerStore, at time: Timestamp, report: Bool) throws {
        let start = DispatchTime.now().uptimeNanoseconds
        let loaded = try evidence.cache.preload(from: store)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let prepareStart = DispatchTime.now().uptimeNanoseconds
        let prepared = try evidence.prepare(markets: [market], at: time)
        guard report else { return }
        print(String(format: "preload: %d lots, %d rows, %d inspections/incidents/recalls in %.1f s%@",
                     loaded.lots, loaded.rows, loaded.events, seconds, loaded.complete ? "" : " (capacity reached)" as NSString))
        print(String(format: "prepare: %d uses' custody paths and %d their closure rows, %d of %d events' signer checks, %d steps' and %d makers' certificate coverage for %@ in %.1f s; resident memory %@",
                     prepared.uses, prepared.fragments, prepared.soundSigners, prepared.events, prepared.steps, prepared.makers, market as NSString,
                     Double(DispatchTime.now().uptimeNanoseconds - prepareStart) / 1e9, Self.residentMemory() as NSString))
    }

    /// VmRSS of this process (Linux), e.g. "1.2 GB".
    static func residentMemory() -> String {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return "unknown" }
        return String(format: "%.2f GB", kb / 1_048_576)
    }

    static func size(_ node: TraceNode) -> Int { 1 + node.children.reduce(0) { $0 + size($1) } }

    /// Distinct lots in a trace tree (a lot reached twice is shown once, then marked repeated).
    static func distinct(_ node: TraceNode) -> Int { 1 + node.children.filter { !$0.repeated }.reduce(0) { $0 + distinct($1) } }

    /// Nearest-rank percentile.
    static func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[max(0, min(sorted.count - 1, rank - 1))]
    }
}
