import ArgumentParser
import Foundation
import HADICCore
import HADICCrypto
import HADICLedger
import HADICQuery
import HADICStore

struct ProveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove",
        abstract: "Write a lot's chain-of-custody bundle: one file an importer checks offline with `hadic verify-bundle`.",
        discussion: """
            The bundle (docs/BUNDLE.md) holds the genesis block, the latest signed checkpoint, and \
            every event of the lot's provenance closure back to raw materials with its whole custody \
            chain, the registrations and key history of every party that signed one of them, the \
            certificate events of every party that made, handled or carried a closure lot, the \
            policies, and the cleansings and najis incidents of the vehicles and facilities used; \
            each event with its inclusion proof against the checkpoint.

              hadic prove --data DIR urn:epc:class:lgtin:8991234.012345.RDG2610A --out rendang.bundle.json
            """
    )

    @OptionGroup var target: LotArgument

    @Option(help: ArgumentHelp("Where to write the bundle (JSON).", valueName: "FILE"))
    var out: String

    @Option(help: ArgumentHelp("Take the closure as the ledger stood at this moment (RFC 3339 UTC); default now.", valueName: "TIME"))
    var at: String?

    func validate() throws {
        if let at, Timestamp(at) == nil { throw ValidationError("--at must be RFC 3339 UTC like 2026-11-29T05:00:00Z") }
    }

    func run() throws {
        try reportingFailures {
            let (r, lot) = try target.open()
            let time = at.flatMap(Timestamp.init) ?? LedgerClock.now()
            var bundle: ProvenanceBundle
            do { bundle = try BundleBuilder.make(lot: lot, at: time, store: r.dir.store, source: r.dir.store) } catch let e as AssessmentError {
                throw CLIFailure("\(e)")
            }
            bundle = try Self.withCosignatures(bundle, dataDirectory: target.source.data ?? "", treeSize: r.head.header.treeSize)
            let text = bundle.json.prettyPrinted() + "\n"
            do { try Data(text.utf8).write(to: URL(fileURLWithPath: out), options: .atomic) } catch {
                throw CLIFailure("cannot write \(out): \(error.localizedDescription)")
            }
            printError("hadic: wrote \(out): \(bundle.events.count) events proved against the checkpoint of tree size \(r.head.header.treeSize)")
        }
    }
}

struct VerifyBundleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-bundle",
        abstract: "Check a bundle offline against the sequencer's public key; exit 0 valid, 1 invalid naming the first item that failed.",
        discussion: """
            Needs no ledger. Checks the genesis block (it must name the trusted key), the \
            checkpoint's signature, every inclusion proof, every event's signature against the key \
            registered to its actor at that point of the ledger (every registration traced back \
            to an admin named in genesis), and that the lot's making, back to raw materials, and \
            every receipt's shipment are in the bundle. Then prints the lot's custody chain.

            Exit status: 0 valid; 1 invalid (the first item that failed on stderr); 2 unreadable \
            files; 64 usage errors.
            """
    )

    @Argument(help: "The bundle file (from `hadic prove`).")
    var bundle: String

    @Option(help: ArgumentHelp("The sequencer's public key (PEM): the only thing trusted.", valueName: "PUBFILE"))
    var trust: String

    @Option(help: ArgumentHelp("Print the full assessment for this market (default: one verdict line per market of the policy).", valueName: "M"))
    var market: String?

    @Option(help: ArgumentHelp("Assess at this moment (RFC 3339 UTC); default: when the bundle was made, or its latest event if later.", valueName: "TIME"))
    var at: String?

    @OptionGroup var witness: WitnessQuorumOptions

    @Flag(help: "Print JSON: {lot, ledger_id, origin, tree_size, root, made_at, assessed_at, events, closure_lots, custody, assessments, no_assessment} (assessments as `hadic assess --json`; no_assessment says why there are none).")
    var json = false

    func validate() throws {
        if let market, !PolicySet.isMarketCode(market) { throw ValidationError("--market must be a market code like MY or ID") }
        if let at, Timestamp(at) == nil { throw ValidationError("--at must be RFC 3339 UTC like 2026-11-29T05:00:00Z") }
    }

    func run() throws {
        var invalid = false
        try reportingFailures {
            let key = try PublicKey(contentsOf: trust)
            let bytes: [UInt8]
            do { bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: bundle))) } catch {
                throw CLIFailure("cannot read \(bundle): \(error.localizedDescription)")
            }
            do {
                let parsed = try ProvenanceBundle(parsing: bytes)
                let v = try BundleVerifier(trustedKey: key).verify(parsed)
                let cosigned = try Self.checkWitnesses(witness, parsed)
                // made_at is the exporter's word, not signed: by default the assessment sees every
                // event the bundle holds, so a backdated made_at cannot hide a recall it carries.
                let latest = v.events.map(\.envelope.time).max() ?? parsed.madeAt
                let time = at.flatMap(Timestamp.init) ?? max(parsed.madeAt, latest)
                // A bundle is valid whatever its verdict; without a policy in force there is none to give.
                var assessments: [Assessment] = [], noAssessment: String?
                do { assessments = try Self.assess(v, market: market, at: time) } catch let f as CLIFailure where market == nil {
                    noAssessment = f.description
                }
                let custody = Self.custody(of: parsed.lot, in: v)
                if json {
                    let value: JSONValue = .object([
                        "lot": .string(parsed.lot.rawValue), "ledger_id": .string(parsed.ledgerID), "origin": .string(v.genesis.origin),
                        "tree_size": .number(JSONNumber(Int(v.checkpoint.size))), "root": .string(Base64.encode(v.checkpoint.root)),
                        "made_at": .string(parsed.madeAt.text), "assessed_at": .string(time.text),
                        "events": .number(JSONNumber(v.events.count)), "closure_lots": .number(JSONNumber(v.closureLots.count)),
                        "custody": .array(custody.map { .string($0) }),
                        "assessments": .array(assessments.map(AssessmentRendering.json)),
                        "no_assessment": noAssessment.map { .string($0) } ?? .null,
                        "cosigned_by": .array(cosigned.map { .string($0.witness.name) }),
                    ])
                    print(value.prettyPrinted())
                    return
                }
                print("""
                    valid: bundle of \(parsed.lot) made at \(parsed.madeAt.text)
                    ledger         \(v.genesis.origin) (\(parsed.ledgerID))
                    checkpoint     tree size \(v.checkpoint.size), root \(Base64.encode(v.checkpoint.root)), signed by the trusted sequencer key
                    events         \(v.events.count), each proved included and signed by a key registered to its actor (\(v.signaturesChecked) signatures)
                    closure        \(v.closureLots.count) lots back to raw materials, every making and shipment present
                    """)
                if let quorum = witness.quorumDescription(cosigned) { print("witnesses      " + quorum) }
                print("custody of \(parsed.lot):")
                for line in custody { print("  " + line) }
                if at == nil && time > parsed.madeAt {
                    print("note: made_at \(parsed.madeAt.text) is earlier than events the bundle holds; assessed at the latest, \(time.text) (--at to choose)")
                }
                print("assessed from the bundle's evidence alone, at \(time.text):")
                if let noAssessment {
                    print("  no assessment: \(noAssessment)")
                } else if market != nil, let a = assessments.first {
                    print(AssessmentRendering.text(a))
                } else {
                    for a in assessments {
                        let failing = a.results.filter { $0.outcome != .pass }.map(\.rule.rawValue)
                        print("  \(a.market) (\(a.marketName)): " + (a.supported ? "SUPPORTED" : "NOT SUPPORTED (\(failing.joined(separator: ", ")))"))
                    }
                }
            } catch let e as BundleError {
                printError("hadic: INVALID: \(e)")
                invalid = true
            }
        }
        if invalid { throw ExitCode(1) }
    }

    /// The lot's assessment for `market` (or every market of the policy in force), from the bundle alone.
    static func assess(_ v: BundleVerifier.Verified, market: String?, at time: Timestamp) throws -> [Assessment] {
        let evidence = try LedgerEvidence(source: BundleSource(v))
        let policy: HalalPolicy
        do { policy = try evidence.policy(at: time) } catch { throw CLIFailure("the bundle holds no policy in force at \(time): \(error)") }
        let assessor = Assessor(evidence: evidence, reuseEvents: false)
        do {
            return try (market.map { [$0] } ?? policy.markets.keys.sorted()).map { try assessor.assess(v.bundle.lot, market: $0, at: time) }
        } catch {
            throw CLIFailure("the assessment could not be made from the bundle: \(error)")
        }
    }

    /// The lot's making, packings and custody steps in ledger order, as its events in the bundle
    /// say, with the shipments and receipts of the containers it was packed into.
    static func custody(of lot: LotID, in v: BundleVerifier.Verified) -> [String] {
        var rows = (v.rowsByLot[lot] ?? []).map { (index: $0.leafIndex, link: $0) }
        var containers = Set<LotID>()
        for (_, link) in rows where link.role == .packed {
            if let c = v.rowsByEvent[link.leafIndex]?.first(where: { $0.role == .container })?.lot { containers.insert(c) }
        }
        for container in containers {
            rows += (v.rowsByLot[container] ?? []).filter { $0.role == .shipped || $0.role == .received }.map { ($0.leafIndex, $0) }
        }
        return rows.sorted { $0.index != $1.index ? $0.index < $1.index : $0.link.role.rawValue < $1.link.role.rawValue }.compactMap { index, link in
            let what: String
            switch link.role {
            case .created: what = "created by \(link.actor)"
            case .produced: what = "produced by \(link.actor)"
            case .container: what = "packed as a container by \(link.actor)"
            case .shipped: what = "shipped by \(link.actor)" + (link.counterpart.map { " to \($0)" } ?? "") + (link.carrier.map { ", carrier \($0)" } ?? "")
            case .received: what = "received by \(link.actor)" + (link.place.map { " at \($0)" } ?? "")
            case .packed: what = "packed into a container by \(link.actor)"
            case .unpacked: what = "unpacked by \(link.actor)"
            default: return nil
            }
            let via = link.lot == lot ? "" : " (in \(link.lot))"
            return "\(link.time.text)  \(what)\(via)  (event \(link.event.id.short), index \(index))"
        }
    }
}
