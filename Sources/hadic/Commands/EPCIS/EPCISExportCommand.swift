import ArgumentParser
import Foundation
import HADICCore
import HADICEPCIS
import HADICLedger
import HADICStore

/// `hadic epcis export`: a lot's history, or every event, as one EPCIS 2.0 JSON-LD document.
struct EPCISExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a lot's history (or every event) as a GS1 EPCIS 2.0 JSON-LD EPCISDocument.",
        discussion: """
            Events imported from EPCIS are written back as their original event, unchanged. \
            Other events become the matching EPCIS event (docs/EPCIS.md, "Export"): lot.create \
            an ObjectEvent ADD commissioning, lot.transform a TransformationEvent, lot.aggregate \
            and lot.disaggregate AggregationEvents, custody.ship and custody.receive ObjectEvents \
            shipping and receiving, lot.inspect, lot.incident, lot.recall and lot.cleanse ObjectEvents \
            OBSERVE; their eventID is their CBV 2.0 event hash. Party, certificate and policy \
            events are master data, not EPCIS events: certificates appear as certificationInfo.

            LOT exports the events that touch the lot and the error declarations of any of them; --closure adds those of every lot that \
            fed it (transformation inputs and packed contents, recursively) and of the \
            containers that held it. --since keeps events whose time is at or after TIME.

            With --node, the node's whole ledger is downloaded and audited first (as `hadic \
            audit`); nothing is written unless it verifies.
            """
    )

    @OptionGroup var source: LedgerSourceOptions

    @Argument(help: "The lot id (EPC URN, GS1 Digital Link URI, or PARTY/LOCAL).")
    var lot: String?

    @Flag(help: "Export every event of the ledger instead of one lot's.")
    var all = false

    @Flag(help: "With LOT: also the events of every lot that fed it and of the containers that held it.")
    var closure = false

    @Option(help: ArgumentHelp("Only events whose time is at or after TIME (RFC 3339 UTC).", valueName: "TIME"))
    var since: String?

    @Option(help: ArgumentHelp("Write the document to FILE (replaced whole) instead of standard output.", valueName: "FILE"))
    var output: String?

    func validate() throws {
        guard (lot == nil) != !all else { throw ValidationError("give either a LOT or --all") }
        if let lot, LotID(lot) == nil { throw ValidationError("not a lot id: \(lot)") }
        if closure && all { throw ValidationError("--closure goes with a LOT, not --all") }
        if let since, Timestamp(since) == nil { throw ValidationError("--since must be RFC 3339 UTC like 2026-11-29T05:00:00Z") }
    }

    func run() throws {
        try reportingFailures {
            let events: EPCISExportScope.Events
            if let lot, let id = LotID(lot) {
                events = .lot(id, closure: closure)
            } else {
                events = .all
            }
            var exporter = EPCISExporter(scope: EPCISExportScope(events: events, since: since.flatMap(Timestamp.init)))
            let store = try ledgerStore()
            try Self.feed(store, to: &exporter)
            let document: JSONValue
            do throws(EPCISExportError) {
                document = try exporter.document(creationDate: LedgerClock.now())
            } catch {
                throw CLIFailure(error.description)
            }
            let text = document.prettyPrinted() + "\n"
            if let output {
                do { try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic) } catch {
                    throw CLIFailure("cannot write \(output): \(error.localizedDescription)")
                }
            } else {
                FileHandle.standardOutput.write(Data(text.utf8))
            }
        }
    }

    /// The ledger to read: the data directory, or the node's ledger downloaded and audited.
    private func ledgerStore() throws -> any LedgerStore {
        if let node = source.node {
            let audit = try NodeAudit.run(node, options: AuditOptions(full: true, maxFailures: 1, derivedTables: false), trusted: nil)
            guard let ledger = audit.ledger, audit.outcome.report.intact else {
                let reason = audit.outcome.report.failures.first.map { String(describing: $0) } ?? "no copy could be made"
                throw CLIFailure("node \(node): its ledger does not verify, nothing exported: \(reason)")
            }
            return ledger
        }
        return try LedgerReader(source.data ?? "").dir.store
    }

    /// Every event, in ledger order, with the time of its block.
    private static func feed(_ store: any LedgerStore, to exporter: inout EPCISExporter) throws {
        guard let head = try store.latestBlock() else { return }
        var blockTimes: [UInt64: Timestamp] = [:]
        var start: UInt64 = 0
        while start < head.header.treeSize {
            let end = min(head.header.treeSize, start + 4096)
            for stored in try store.events(in: start..<end) {
                if blockTimes[stored.block] == nil { blockTimes[stored.block] = try store.block(at: stored.block)?.header.time }
                let envelope: EventEnvelope
                do {
                    envelope = try EventEnvelope.parse(stored.leafBytes)
                } catch {
                    throw CLIFailure(EPCISExportError.unreadableEvent(index: stored.index, reason: String(describing: error)).description)
                }
                exporter.feed(envelope, leafIndex: stored.index, recordTime: blockTimes[stored.block])
            }
            start = end
        }
    }
}
