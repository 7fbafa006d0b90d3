import HADICCore
import HADICLedger
import HADICStore

/// Answers ``LedgerQuery``s from a ledger's store: the one code path of `hadic trace`, `assess`,
/// `history`, `custody`, `balance` and `certs`, whether they read a data directory or ask a node.
public struct QueryRunner {
    public let store: SQLiteLedgerStore
    /// What this process keeps between queries (a node's ``QueryEngine``); nil: every query
    /// reads what it needs and forgets it, as a one-shot command does. Only used when its
    /// tree size is the store's: the caller checks (``QueryEngine/answer(_:now:)``).
    public let kept: KeptQueryState?
    /// Why a query could not be answered (no such lot, no policy in force...).
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    public init(store: SQLiteLedgerStore, kept: KeptQueryState? = nil) {
        self.store = store
        self.kept = kept
    }

    /// - Parameters:
    ///   - now: the time an assessment without `at` is made at.
    ///   - localPolicy: a local narrowing of the policy (only a command reading its own files has one).
    public func answer(_ query: LedgerQuery, now: Timestamp,
                       localPolicy: (policy: LocalPolicy, path: String, sha256: String)? = nil) throws -> QueryAnswer {
        switch query {
        case .traceBack(let lot, let format), .traceForward(let lot, let format):
            let back: Bool
            if case .traceBack = query { back = true } else { back = false }
            try requireLot(lot)
            let root = try store.consistentReads { source in
                let trace = ProvenanceTrace(source: source, cache: kept?.evidence.cache)
                return back ? try trace.back(lot) : try trace.forward(lot)
            }
            let rendering = TraceRendering(certificates: try kept?.certificates ?? store.certificateTimelines())
            switch format {
            case .json: return QueryAnswer(output: rendering.json(root).prettyPrinted() + "\n", status: 0)
            case .dot: return QueryAnswer(output: rendering.dot(root, back: back) + "\n", status: 0)
            case .text: return QueryAnswer(output: rendering.text(root, back: back) + "\n", status: 0)
            }
        case .assess(let lot, let market, let at, let json, let verify):
            try requireLot(lot)
            // A local narrowing of the policy comes only with a command's own files, never with kept state.
            let evidence = try localPolicy == nil ? kept?.evidence ?? LedgerEvidence(source: store) : LedgerEvidence(source: store)
            let assessor = Assessor(evidence: evidence, localPolicy: localPolicy, verifySignatures: verify)
            let a = try assessor.assess(lot, market: market, at: at ?? now)
            return QueryAnswer(output: (json ? AssessmentRendering.json(a).prettyPrinted() : AssessmentRendering.text(a)) + "\n",
                               status: a.supported ? 0 : 1)
        case .history(let lot, let json):
            return QueryAnswer(output: try LedgerReports.history(lot, json: json, store: store), status: 0)
        case .custody(let lot, let json):
            return QueryAnswer(output: try LedgerReports.custody(lot, json: json, store: store), status: 0)
        case .balance(let subject, let json):
            return QueryAnswer(output: try LedgerReports.balance(subject, json: json, store: store), status: 0)
        case .certs(let holder, let at, let json):
            return QueryAnswer(output: try LedgerReports.certs(holder: holder, at: at ?? now, json: json, store: store), status: 0)
        case .event(let id):
            return QueryAnswer(output: try LedgerReports.event(id, store: store), status: 0)
        }
    }

    private func requireLot(_ lot: LotID) throws {
        guard try store.lot(lot) != nil else { throw Failure("no lot \(lot) in this ledger") }
    }
}

extension SQLiteLedgerStore {
    /// Every certificate's issue, suspensions and revocations, from the ledger's cert events
    /// (those below `treeSize`, when given).
    public func certificateTimelines(below treeSize: UInt64 = .max) throws -> [CertificateTimeline] {
        var envelopes: [EventEnvelope] = []
        for e in try events(ofTypes: [.certIssue, .certSuspend, .certRevoke]) where e.index < treeSize {
            do {
                envelopes.append(try EventEnvelope.parse(e.leafBytes))
            } catch {
                throw QueryRunner.Failure("event \(e.id) (index \(e.index)) does not parse: \(error); run `hadic verify`")
            }
        }
        return CertificateTimeline.build(from: envelopes)
    }
}
