import ArgumentParser
import HADICCore
import HADICCrypto
import HADICLedger
import HADICPeer
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

            With --data, this command writes the data directory itself, so it needs the sequencer \
            key recorded by `hadic init` (or --sequencer-key), and fails if another writer (such as \
            a running hadicd) holds the directory. With --node, it submits to a running node \
            instead, in batches of --block-size sent without waiting for each other; the node \
            answers each event once its block is durable (a replica forwards to the sequencer).
            """
    )

    @OptionGroup var source: LedgerSourceOptions

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
        if let node = source.node { return try runThroughNode(node) }
        let data = source.data ?? ""
        var refusedCount = 0
        try reportingFailures {
            let dir = try DataDirectory(writing: data, holder: "hadic append")
            guard let seqPath = sequencerKey ?? dir.sequencerKeyPath() else {
                throw CLIFailure("no sequencer key recorded in \(data); pass --sequencer-key FILE")
            }
            let sequencer = try Sequencer(store: dir.store, key: try PrivateKey(contentsOf: seqPath), clock: LedgerClock.now)
            let signer: TemplateSigner?
            if let key, let actor, let party = PartyID(actor) {
                signer = TemplateSigner(key: try PrivateKey(contentsOf: key), actor: party, ledger: sequencer.ledgerID)
            } else {
                signer = nil
            }
            let lines = try InputLines.read(input).map(\.bytes)
            let now = LedgerClock.now()
            var out = Output()
            var admitted = 0
            // Pipeline: while one block is admitted and committed on this thread, the next chunk
            // is parsed and its signatures verified on the other cores.
            let chunks = stride(from: 0, to: lines.count, by: blockSize).map { Array(lines[$0..<min(lines.count, $0 + blockSize)]) }
            let prepare: @Sendable ([ArraySlice<UInt8>], [String: KeyRecord]) -> PreparedBatch = { chunk, keys in
                // Signed envelopes: parsed and checked in one pass over the cores.
                guard let signer else { return PreparedBatch(parsing: chunk.map { Array($0) }, keys: keys) }
                let parsed: [Result<EventEnvelope, AdmissionError>] = parallelMap(chunk) { line in
                    Result { () throws(AdmissionError) -> EventEnvelope in try signer.sign(line, now: now) }
                }
                return PreparedBatch(parsed, keys: keys)
            }
            var next = chunks.first.map { prepare($0, sequencer.keySnapshot) }
            for i in chunks.indices {
                guard let batch = next else { break }
                let ahead = i + 1 < chunks.count ? Background { [keys = batch.keys(after: sequencer.keySnapshot), chunk = chunks[i + 1]] in prepare(chunk, keys) } : nil
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

    /// Submits through a running node: templates are signed here (the key never leaves), then
    /// every batch is sent at once and the receipts printed in input order.
    private func runThroughNode(_ address: String) throws {
        guard sequencerKey == nil else { throw ValidationError("--sequencer-key is for --data: a node seals with its own key") }
        var refusedCount = 0
        try reportingFailures {
            let client = try NodeClient(address)
            let signer: TemplateSigner?
            if let key, let actor, let party = PartyID(actor) {
                signer = TemplateSigner(key: try PrivateKey(contentsOf: key), actor: party, ledger: client.ledgerID)
            } else {
                signer = nil
            }
            let lines = try InputLines.read(input).map(\.bytes)
            let now = LedgerClock.now()
            // Templates are signed here; a template that does not sign is refused here and never
            // sent. Signed lines go as they are: the node parses and checks them (on all its cores).
            let parsed: [Result<[UInt8], AdmissionError>] = parallelMap(lines) { line in
                Result { () throws(AdmissionError) -> [UInt8] in
                    if let signer { return try signer.sign(line, now: now).leafBytes }
                    return Array(line)
                }
            }
            let envelopes = parsed.compactMap { try? $0.get() }
            // Batches of --block-size events, and at most 8 MiB (a frame is at most 16 MiB).
            var batches: [[[UInt8]]] = []
            var bytes = 0
            for e in envelopes {
                if batches.isEmpty || batches[batches.count - 1].count >= blockSize || bytes + e.count > 8 << 20 {
                    batches.append([])
                    bytes = 0
                }
                batches[batches.count - 1].append(e)
                bytes += e.count
            }
            // Every batch is sent at once; each batch's receipts are printed as soon as they come
            // (in input order), so what was printed before a failure was acknowledged.
            let answers = client.submitAll(batches.map { .submit($0) })
            var out = Output()
            var admitted = 0
            var height: UInt64 = 0
            var inputs = parsed.makeIterator()
            for (batch, answer) in zip(batches, answers) {
                let results: [PeerMessage.SubmitResult]
                switch Result(catching: { try answer.wait() }) {
                case .success(.receipts(let r)) where r.count == batch.count:
                    results = r
                case .success(let other):
                    out.flush()
                    throw CLIFailure("node \(address) answered a submit with \(other.kind.name), not one receipt per event")
                case .failure(let error):
                    out.flush()
                    throw CLIFailure("node \(address): \(error) (lines printed above were acknowledged)")
                }
                var next = 0
                while next < results.count, let p = inputs.next() {
                    switch p {
                    case .failure(let error):
                        out.line("refused \(error)")
                        refusedCount += 1
                    case .success:
                        switch results[next] {
                        case .admitted(let id, _, let block):
                            out.line(id.hex)
                            admitted += 1
                            height = max(height, block)
                        case .refused(let rule, let message):
                            out.line("refused rule \(rule): \(message)")
                            refusedCount += 1
                        }
                        next += 1
                    }
                }
                out.flush()
            }
            while let p = inputs.next() {
                if case .failure(let error) = p {
                    out.line("refused \(error)")
                    refusedCount += 1
                }
            }
            out.flush()
            printError("admitted \(admitted), refused \(refusedCount) through \(address); last block \(height)")
        }
        if refusedCount > 0 { throw ExitCode(1) }
    }
}
