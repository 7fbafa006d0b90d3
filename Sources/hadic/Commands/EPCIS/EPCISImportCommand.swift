import ArgumentParser
import Foundation
import HADICCore
import HADICCrypto
import HADICEPCIS
import HADICLedger
import HADICPeer
import HADICStore

/// `hadic epcis import`: an EPCIS 2.0 document's events mapped to HADIC events, signed by the
/// importing party, checked whole against the ledger, then appended as one batch.
struct EPCISImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import an EPCIS 2.0 JSON-LD document: each event mapped to a HADIC event signed by --actor.",
        discussion: """
            Every event is mapped (docs/EPCIS.md, "Import"), signed here and checked by the \
            admission rules against the ledger, each after the ones before it, before anything \
            is written. Then, if no event failed, they are appended as one batch (one block with \
            --data). If any failed, nothing is written and each failure is named on stderr \
            (event index, eventID, field, reason), unless --skip-invalid: then the others are \
            appended. A document that does not read as EPCIS 2.0 (bad JSON, an unknown event \
            type, a missing eventTime, a malformed EPC) is refused whole.

            Prints one line per imported event: its index in the document, the HADIC type, the \
            HADIC event id and the EPCIS event hash. Exit status 1 if any event was not imported.

            --map FILE names the HADIC parties of EPCIS party identifiers and the product and \
            class of each GTIN: {"parties": {"urn:epc:id:pgln:...": "party"}, "products": \
            {"<GTIN-14>": {"product": "...", "class": "..."}}}.

            With --node, the node's ledger is downloaded and checked (as `hadic audit --node` \
            does, quick), the document is checked against it here, and the events are sent in \
            one submit; the node answers each one (it does not promise all or nothing: events \
            another client submits meanwhile can make one refused, which is then printed).
            """
    )

    @OptionGroup var source: LedgerSourceOptions

    @Option(help: ArgumentHelp("The importing party's private key.", valueName: "FILE"))
    var key: String

    @Option(help: ArgumentHelp("The importing party: it signs every event.", valueName: "PARTY"))
    var actor: String

    @Option(help: ArgumentHelp("Parties of EPCIS identifiers and products of GTINs (JSON).", valueName: "FILE"))
    var map: String?

    @Flag(name: .customLong("skip-invalid"), help: "Append the events that pass even if others fail (each failure is listed).")
    var skipInvalid = false

    @Option(name: .customLong("sequencer-key"), help: ArgumentHelp("With --data: the sequencer's private key (default: the one recorded by init).", valueName: "FILE"))
    var sequencerKey: String?

    @Argument(help: ArgumentHelp("The EPCIS document (EPCISDocument or EPCISQueryDocument).", valueName: "FILE"))
    var file: String

    func validate() throws {
        guard PartyID(actor) != nil else { throw ValidationError("--actor must be a party id (lowercase letters, digits, '-')") }
        if source.node != nil, sequencerKey != nil { throw ValidationError("--sequencer-key is for --data: a node seals with its own key") }
    }

    func run() throws {
        var failed = false
        try reportingFailures {
            guard let party = PartyID(actor) else { throw CLIFailure("--actor: not a party id") }
            let document = try readDocument()
            let importMap = try readMap()
            let signingKey = try PrivateKey(contentsOf: key)
            let mapper = EPCISEventMapper(map: importMap, namespaces: document.namespaces, actor: party)
            func importer(ledgerID: String) -> EPCISImporter {
                EPCISImporter(mapper: mapper, admission: .withEPCIS(ledgerID: ledgerID), now: LedgerClock.now()) { mapped in
                    try EventEnvelope.Unsigned(ledger: ledgerID, type: mapped.type, actor: party, keyID: signingKey.publicKey.keyID,
                                               time: mapped.time, body: mapped.body).signed(with: signingKey)
                }
            }
            if let node = source.node {
                failed = try importThroughNode(node, document: document, importer: importer)
            } else {
                failed = try importIntoData(source.data ?? "", document: document, importer: importer)
            }
        }
        if failed { throw ExitCode(1) }
    }

    private func readDocument() throws -> EPCISDocument {
        guard let data = FileManager.default.contents(atPath: file) else { throw CLIFailure("cannot read \(file)") }
        do throws(EPCISError) {
            return try EPCISDocument.parse([UInt8](data))
        } catch {
            throw CLIFailure("\(file): \(error); nothing was imported")
        }
    }

    private func readMap() throws -> EPCISImportMap {
        guard let map else { return EPCISImportMap() }
        guard let data = FileManager.default.contents(atPath: map) else { throw CLIFailure("cannot read --map \(map)") }
        do {
            return try EPCISImportMap(json: try JSONValue.parse([UInt8](data)))
        } catch {
            throw CLIFailure("--map \(map): \(error)")
        }
    }

    /// Prints the failures; answers whether the admitted events may be appended.
    private func report(_ outcome: EPCISImporter.Outcome, of document: EPCISDocument) -> Bool {
        for problem in outcome.problems { printError("hadic: error: \(problem)") }
        guard outcome.problems.isEmpty || skipInvalid else {
            printError("hadic: error: \(outcome.problems.count) of \(document.events.count) EPCIS events cannot be imported; nothing was imported (--skip-invalid imports the others)")
            return false
        }
        return true
    }

    private func line(_ i: EPCISImporter.Imported, _ id: EventID) -> String {
        "\(i.index) \(i.envelope.type.rawValue) \(id.hex) \(i.hash.uri)"
    }

    private func importIntoData(_ data: String, document: EPCISDocument, importer: (String) -> EPCISImporter) throws -> Bool {
        let dir = try DataDirectory(writing: data, holder: "hadic epcis import")
        guard let seqPath = sequencerKey ?? dir.sequencerKeyPath() else {
            throw CLIFailure("no sequencer key recorded in \(data); pass --sequencer-key FILE")
        }
        let sequencer = try Sequencer(store: dir.store, key: try PrivateKey(contentsOf: seqPath), clock: LedgerClock.now)
        // This process holds the writer's lock: the state checked here is the state appended to.
        let outcome = importer(sequencer.ledgerID).run(document.events, state: sequencer.state) { (try? dir.store.containsEvent($0)) ?? false }
        guard report(outcome, of: document) else { return true }
        guard !outcome.admitted.isEmpty else { return !outcome.problems.isEmpty }
        let results = try sequencer.submit(outcome.admitted.map { .success($0.envelope) })
        var out = Output()
        var refused = false
        for (imported, result) in zip(outcome.admitted, results) {
            switch result {
            case .success(let receipt): out.line(line(imported, receipt.eventID))
            case .failure(let error):
                refused = true
                out.line("refused \(imported.index): \(error)")
            }
        }
        out.flush()
        printError("imported \(results.filter { (try? $0.get()) != nil }.count) of \(document.events.count) EPCIS events; height \(sequencer.head.height), tree size \(sequencer.head.header.treeSize)")
        return refused || !outcome.problems.isEmpty
    }

    private func importThroughNode(_ address: String, document: EPCISDocument, importer: (String) -> EPCISImporter) throws -> Bool {
        // The node's ledger, checked block by block under its genesis sequencer key, and its state replayed here.
        let audit = try NodeAudit.run(address, options: AuditOptions(full: false, maxFailures: 1, derivedTables: false), trusted: nil)
        guard let ledger = audit.ledger, audit.outcome.report.failures.isEmpty else {
            throw CLIFailure("node \(address): its ledger does not verify; nothing was sent")
        }
        let rebuilt = try DerivedRebuild.rebuild(from: ledger)
        guard let genesis = try ledger.block(at: 0) else { throw CLIFailure("node \(address) sent no genesis block") }
        let ledgerID = Hex.encode(genesis.header.hash)
        let outcome = importer(ledgerID).run(document.events, state: rebuilt.state) { (try? ledger.containsEvent($0)) ?? false }
        guard report(outcome, of: document) else { return true }
        guard !outcome.admitted.isEmpty else { return !outcome.problems.isEmpty }
        let client = try NodeClient(address)
        guard case .receipts(let results) = try client.request(.submit(outcome.admitted.map(\.envelope.leafBytes)), timeout: .seconds(120)),
              results.count == outcome.admitted.count else {
            throw CLIFailure("node \(address) did not answer the submit with one receipt per event")
        }
        var out = Output()
        var refused = 0
        for (imported, result) in zip(outcome.admitted, results) {
            switch result {
            case .admitted(let id, _, _): out.line(line(imported, id))
            case .refused(let rule, let message):
                refused += 1
                out.line("refused \(imported.index): rule \(rule): \(message)")
            }
        }
        out.flush()
        printError("imported \(outcome.admitted.count - refused) of \(document.events.count) EPCIS events through \(address)")
        return refused > 0 || !outcome.problems.isEmpty
    }
}
