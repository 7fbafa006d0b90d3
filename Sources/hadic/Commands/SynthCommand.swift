import ArgumentParser
import Foundation
import HADICCore
import HADICCrypto
import HADICLedger
import HADICStore

struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Create a ledger and a file of synthetic pre-signed events, for benchmarks.",
        discussion: """
            Makes a new ledger at --data (sequencer and admin keys under DIR/synth-keys) and writes \
            --events signed envelopes to --out: party registrations, raw lots, transformations and \
            matched ship/receive pairs among --parties parties, all admissible in order. The events \
            are not appended: `hadic append --data DIR --signed FILE` does that, and is what a \
            benchmark times. The same --seed gives the same keys, ledger and events.

            --bom flat (the default, what the append benchmark uses): transformations of 2-4 \
            random held lots. --bom deep (for query benchmarks): certifiers, certified carriers, \
            producers and processors in 7 tiers; lots in 8 levels, each made from 2-5 recent lots \
            of the levels below, so that a finished lot's ancestry is about 500 lots; about 1% of \
            certificates suspended, some lots lab-tested. Lot ids are PARTY/L<level>-<n>: finished \
            lots match `/L7-`. A summary goes to stderr.
            """
    )

    @OptionGroup var data: DataOptions

    @Option(help: ArgumentHelp("Where to write the signed events (JSON lines).", valueName: "FILE"))
    var out: String

    @Option(help: "How many events.")
    var events: Int = 100_000

    @Option(help: "How many supplier parties.")
    var parties: Int = 200

    @Option(help: "Seed for keys and choices.")
    var seed: UInt64 = 1

    @Option(help: "Bill of materials: flat (shallow, for the append benchmark) or deep (8 levels, for query benchmarks).")
    var bom: BillOfMaterials = .flat

    func validate() throws {
        guard events > 0 else { throw ValidationError("--events must be positive") }
        guard (2...99_999).contains(parties) else { throw ValidationError("--parties must be between 2 and 99999") }
        guard bom == .flat || parties >= 20 else { throw ValidationError("--bom deep needs --parties 20 or more (7 tiers of processors)") }
    }

    func run() throws {
        try reportingFailures {
            let dir = try DataDirectory(writing: data.data, holder: "hadic synth", create: true)
            guard try dir.store.latestBlock() == nil else {
                throw CLIFailure("\(data.data) already holds a ledger; synth needs a new data directory")
            }
            let keysDir = (data.data as NSString).appendingPathComponent("synth-keys")
            try FileManager.default.createDirectory(atPath: keysDir, withIntermediateDirectories: true)
            let sequencer = try SyntheticChain.key(seed: seed, index: 0)
            let adminKey = try SyntheticChain.key(seed: seed, index: 1)
            let seqPath = (keysDir as NSString).appendingPathComponent("sequencer.key")
            try sequencer.write(to: seqPath)
            guard let adminID = PartyID("admin") else { return }
            let start: Int64 = 1_780_000_000
            let genesis = try Genesis(origin: "synthetic.hadic.example/bench", sequencerKey: sequencer.publicKey,
                                      admins: [GenesisAdmin(party: adminID, publicKey: adminKey.publicKey)])
            let block = try Sequencer.initialize(store: dir.store, genesis: genesis, sequencerKey: sequencer, time: Timestamp(unixSeconds: start))
            try dir.recordSequencerKeyPath(seqPath)
            let ledgerID = Hex.encode(block.header.hash)
            let writer = try SignedEventWriter(path: out)
            var summary: DeepSupplyChain.Summary?
            switch bom {
            case .flat:
                var chain = try SyntheticChain(ledgerID: ledgerID, admin: (adminID, adminKey), partyCount: parties, seed: seed, startTime: start)
                try writer.add(try chain.templates(count: events))
            case .deep:
                var chain = try DeepSupplyChain(ledgerID: ledgerID, admin: (adminID, adminKey), supplierCount: parties, seed: seed, startTime: start)
                summary = try chain.templates(count: events, chunk: 50_000) { try writer.add($0) }
            }
            try writer.finish()
            if let summary { printError(Self.describe(summary, events: writer.written)) }
            print(Hex.encode(block.header.hash))
        }
    }
}

extension SynthCommand {
    /// One line for stderr, so that a benchmark script knows what the deep chain holds.
    static func describe(_ s: DeepSupplyChain.Summary, events: Int) -> String {
        let levels = s.lotsPerLevel.enumerated().map { "L\($0.offset) \($0.element)" }.joined(separator: ", ")
        let example = s.exampleFinishedLot.map { ", e.g. \($0)" } ?? ""
        return "synth: deep bill of materials: \(events) events, \(s.parties) parties, \(s.shipments) shipments, "
            + "\(s.inspections) inspections, \(s.suspended) certificates suspended; lots by level: \(levels); "
            + "finished lots are PARTY/L7-N\(example)"
    }
}

/// How deep the synthetic bills of materials go.
enum BillOfMaterials: String, CaseIterable, ExpressibleByArgument {
    case flat, deep
}

private struct SigningJob: Sendable {
    let unsigned: EventEnvelope.Unsigned
    let key: PrivateKey
}

/// Signs chunks of templates on every core, in the background while the next chunk is being
/// made, and appends the envelopes to the file in order: generation and signing overlap, and
/// only two chunks are in memory at a time.
private final class SignedEventWriter {
    private let path: String
    private let handle: FileHandle
    private var signing: Background<[[UInt8]]>?
    private(set) var written = 0

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw CLIFailure("cannot write \(path)")
        }
        self.path = path
        self.handle = handle
    }

    deinit {
        _ = signing?.value  // never leave work running
        try? handle.close()
    }

    func add(_ templates: [(EventEnvelope.Unsigned, PrivateKey)]) throws {
        try writeSigned()
        let jobs = templates.map { SigningJob(unsigned: $0.0, key: $0.1) }
        signing = Background { parallelMap(jobs) { job in (try? job.unsigned.signed(with: job.key).leafBytes) ?? [] } }
    }

    /// Writes what is still being signed; the file is then complete.
    func finish() throws {
        try writeSigned()
    }

    private func writeSigned() throws {
        guard let pending = signing else { return }
        signing = nil
        guard let lines = pending.value, !lines.contains(where: \.isEmpty) else { throw CLIFailure("signing a synthetic event failed") }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(lines.reduce(0) { $0 + $1.count + 1 })
        for l in lines {
            buffer.append(contentsOf: l)
            buffer.append(0x0A)
        }
        do {
            try handle.write(contentsOf: Data(buffer))
        } catch {
            throw CLIFailure("cannot write \(path): \(error)")
        }
        written += lines.count
    }
}
