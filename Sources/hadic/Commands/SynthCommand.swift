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

    func validate() throws {
        guard events > 0 else { throw ValidationError("--events must be positive") }
        guard (2...99_999).contains(parties) else { throw ValidationError("--parties must be between 2 and 99999") }
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
            var chain = try SyntheticChain(ledgerID: Hex.encode(block.header.hash), admin: (adminID, adminKey),
                                           partyCount: parties, seed: seed, startTime: start)
            let templates = try chain.templates(count: events)
            let lines: [[UInt8]] = parallelMap(templates.map { SigningJob(unsigned: $0.0, key: $0.1) }) { job in
                (try? job.unsigned.signed(with: job.key).leafBytes) ?? []
            }
            guard !lines.contains(where: \.isEmpty) else { throw CLIFailure("signing a synthetic event failed") }
            var buffer: [UInt8] = []
            buffer.reserveCapacity(lines.reduce(0) { $0 + $1.count + 1 })
            for l in lines { buffer.append(contentsOf: l); buffer.append(0x0A) }
            guard FileManager.default.createFile(atPath: out, contents: Data(buffer)) else { throw CLIFailure("cannot write \(out)") }
            print(Hex.encode(block.header.hash))
        }
    }
}

private struct SigningJob: Sendable {
    let unsigned: EventEnvelope.Unsigned
    let key: PrivateKey
}
