import ArgumentParser
import Dispatch
import Foundation
import HADICCore
import HADICCrypto
import HADICLedger
import HADICStore

/// `hadic audit`: everything `hadic verify --full` checks, on every core, as a report that
/// names every failure; incrementally from a checkpoint audited before; or through nodes,
/// trusting none of them (docs/AUDIT.md).
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Audit a ledger (or nodes' copies of it) and report every failure found.",
        discussion: """
            --data DIR: every check of `hadic verify --full` (signatures on every core), reporting \
            blocks, events, parties and certificates checked, the time taken, and each failure \
            with its block or event and the check or rule it failed.
            --since FILE: only what came after a signed checkpoint audited before (as `hadic \
            checkpoint` prints it), with a consistency proof that it is a prefix of the head.
            --node HOST:PORT (repeatable): download each node's blocks and audit them without \
            trusting the node; with several, prove their checkpoints consistent or report both.
            Exit status: 0 intact; 1 a failure found or two histories; 2 the audit could not run \
            (no ledger, unreadable file, node unreachable); 64 usage errors.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The data directory holding the ledger.", valueName: "DIR"))
    var data: String?

    @Option(name: .customLong("node"), help: ArgumentHelp("A node to download and audit (repeat to compare nodes).", valueName: "HOST:PORT"))
    var nodes: [String] = []

    @Option(help: ArgumentHelp("A signed checkpoint audited before: check only what came after it.", valueName: "CHECKPOINT_FILE"))
    var since: String?

    @Option(help: ArgumentHelp("Trust only this sequencer public key (PEM).", valueName: "PUBFILE"))
    var trust: String?

    @Flag(help: "Skip event signatures and admission rules (block chain and Merkle tree only).")
    var quick = false

    @Option(help: "Stop after this many failures.")
    var maxFailures = 100

    @Flag(help: "Print the report as JSON (fields in docs/AUDIT.md).")
    var json = false

    func validate() throws {
        guard (data == nil) != nodes.isEmpty else { throw ValidationError("give either --data DIR or --node HOST:PORT (one or more)") }
        guard maxFailures >= 1 else { throw ValidationError("--max-failures must be at least 1") }
        guard !(quick && since != nil) else { throw ValidationError("--since audits the new part in full; drop --quick") }
    }

    func run() throws {
        var intact = true
        try reportingFailures {
            let trusted = try trust.map { try PublicKey(contentsOf: $0) }
            let sinceNote = try since.map(readCheckpoint)
            let options = AuditOptions(full: !quick, maxFailures: maxFailures, since: sinceNote)
            var outcomes: [AuditOutcome] = []
            var comparisons: [CheckpointComparison] = []
            if let data {
                outcomes.append(try auditDirectory(data, options: options, trusted: trusted))
            } else {
                var audited: [NodeAudit] = []
                for address in nodes { audited.append(try NodeAudit.run(address, options: options, trusted: trusted)) }
                try requireOneLedger(audited)
                outcomes = audited.map(\.outcome)
                comparisons = NodeAudit.compare(audited)
            }
            let cores = ProcessInfo.processInfo.activeProcessorCount
            print(json ? AuditReportRendering.json(outcomes, comparisons: comparisons, cores: cores)
                       : AuditReportRendering.text(outcomes, comparisons: comparisons, cores: cores))
            intact = outcomes.allSatisfy(\.report.intact) && comparisons.allSatisfy(\.consistent)
        }
        if !intact { throw ExitCode(1) }
    }

    private func readCheckpoint(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIFailure("--since: cannot read \(path)") }
        guard let note = String(data: data, encoding: .utf8), !note.isEmpty else { throw CLIFailure("--since: \(path) is not a signed checkpoint note (UTF-8 text)") }
        return note
    }

    private func auditDirectory(_ path: String, options: AuditOptions, trusted: PublicKey?) throws -> AuditOutcome {
        let dir = try DataDirectory(reading: path)
        // A file with no genesis is not a ledger to audit, but bad input.
        guard let genesisBlock = try? dir.store.block(at: 0), let genesis = genesisBlock.header.genesis else {
            throw CLIFailure("\(path) holds no ledger (no readable genesis block); is it a HADIC data directory?")
        }
        let started = DispatchTime.now()
        let report = LedgerVerifier(store: dir.store, trustedSequencerKey: trusted).audit(options)
        return AuditOutcome(source: "data \(path)", ledgerID: Hex.encode(genesisBlock.header.hash), origin: genesis.origin,
                            sequencerKeyID: genesis.sequencerKey.keyID, report: report, seconds: seconds(since: started))
    }

    /// Nodes of different ledgers cannot be compared: that is a mistake in the command, not a fork.
    private func requireOneLedger(_ audited: [NodeAudit]) throws {
        guard let first = audited.first else { return }
        for a in audited.dropFirst() where a.outcome.ledgerID != first.outcome.ledgerID {
            throw CLIFailure("node \(a.address) serves ledger \(a.outcome.ledgerID.prefix(16))…, node \(first.address) ledger \(first.outcome.ledgerID.prefix(16))…: not copies of one ledger")
        }
    }
}

func seconds(since start: DispatchTime) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
}
