import ArgumentParser
import HADICCore
import HADICCrypto
import HADICLedger
import HADICStore

struct AppendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Admit events into the ledger and seal them into signed blocks.",
        discussion: """
            With --key and --actor, input lines are templates ({"type":…,"body":…}) signed here; \
            with --signed, they are envelopes already signed by their authors (`hadic sign`).

            Prints one line per non-blank input line, in order: the event id, or `refused rule <rule>: <why>`. \
            Refused events leave no trace. A block is committed and fsync'd before its ids are \
            printed. Exit status 1 if any event was refused.

            This command writes the data directory itself, so it needs the sequencer key recorded \
            by `hadic init` (or --sequencer-key), and fails if another writer holds the directory.
            """
    )

    @OptionGroup var data: DataOptions

    @Option(help: ArgumentHelp("Sign templates with this private key.", valueName: "FILE"))
    var key: String?

    @Option(help: ArgumentHelp("The party signing the templates.", valueName: "PARTY"))
    var actor: String?

    @Flag(help: "Input lines are signed envelopes.")
    var signed = false

    @Option(name: .customLong("sequencer-key"), help: ArgumentHelp("The sequencer's private key (default: the one recorded by init).", valueName: "FILE"))
    var sequencerKey: String?

    @Option(name: .customLong("block-size"), help: "Most events per block.")
    var blockSize: Int = 1000

    @Argument(help: ArgumentHelp("Input, one JSON object per line; - or nothing for stdin.", valueName: "FILE"))
    var input: String?

    func validate() throws {
        guard signed != (key != nil) else { throw ValidationError("give either --signed or --key FILE --actor PARTY") }
        guard (key == nil) == (actor == nil) else { throw ValidationError("--key and --actor go together") }
        if let actor, PartyID(actor) == nil { throw ValidationError("--actor must be a party id (lowercase letters, digits, '-')") }
        guard (1...100_000).contains(blockSize) else { throw ValidationError("--block-size must be between 1 and 100000") }
    }

    func run() throws {
        var refusedCount = 0
        try reportingFailures {
            let dir = try DataDirectory(writing: data.data, holder: "hadic append")
            guard let seqPath = sequencerKey ?? dir.sequencerKeyPath() else {
                throw CLIFailure("no sequencer key recorded in \(data.data); pass --sequencer-key FILE")
            }
            let sequencer = try Sequencer(store: dir.store, key: try PrivateKey(contentsOf: seqPath), clock: Clock.now)
            let signer: TemplateSigner?
            if let key, let actor, let party = PartyID(actor) {
                signer = TemplateSigner(key: try PrivateKey(contentsOf: key), actor: party, ledger: sequencer.ledgerID)
            } else {
                signer = nil
            }
            let lines = try InputLines.read(input).map(\.bytes)
            let now = Clock.now()
            var out = Output()
            var admitted = 0
            // Pipeline: while one block is admitted and committed on this thread, the next chunk
            // is parsed and its signatures verified on the other cores.
            let chunks = stride(from: 0, to: lines.count, by: blockSize).map { Array(lines[$0..<min(lines.count, $0 + blockSize)]) }
            let prepare: @Sendable ([ArraySlice<UInt8>], [String: KeyRecord]) -> PreparedBatch = { chunk, keys in
                let parsed: [Result<EventEnvelope, AdmissionError>] = parallelMap(chunk) { line in
                    Result { () throws(AdmissionError) -> EventEnvelope in
                        if let signer { return try signer.sign(line, now: now) }
                        return try EventEnvelope.parse(line)
                    }
                }
                return PreparedBatch(parsed, keys: keys)
            }
            var next = chunks.first.map { prepare($0, sequencer.keySnapshot) }
            for i in chunks.indices {
                guard let batch = next else { break }
                let ahead = i + 1 < chunks.count ? Background { [keys = sequencer.keySnapshot, chunk = chunks[i + 1]] in prepare(chunk, keys) } : nil
                defer { _ = ahead?.value }  // never exit with work still running
                for outcome in try sequencer.submit(batch) {
                    switch outcome {
                    case .success(let receipt):
                        out.line(receipt.eventID.hex)
                        admitted += 1
                    case .failure(let error):
                        out.line("refused \(error)")
                        refusedCount += 1
                    }
                }
                out.flush()
                next = ahead?.value
            }
            printError("admitted \(admitted), refused \(refusedCount); height \(sequencer.head.height), tree size \(sequencer.head.header.treeSize)")
        }
        if refusedCount > 0 { throw ExitCode(1) }
    }
}
