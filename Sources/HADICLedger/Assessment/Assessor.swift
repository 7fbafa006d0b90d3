import Dispatch
import HADICCore

/// The halal verdict for one lot and one market at one time: every rule's answer with the
/// evidence it used. Supported only if every rule passes.
public struct Assessment: Sendable {
    public let lot: LotID
    public let market: String
    public let marketName: String
    public let time: Timestamp
    public let policy: String
    public let policyVersion: Int
    public let results: [RuleResult]
    public let closureLots: Int
    public let closureEvents: Int

    public var supported: Bool { results.allSatisfy { $0.outcome == .pass } }
}

/// Evaluates the rules of ../shared/DOMAIN.md over a lot's closure (``LotClosure``) with the
/// ledger-wide evidence (``LedgerEvidence``) and the policy in force.
public struct Assessor {
    public let evidence: LedgerEvidence
    /// Applied to the ledger policy before every assessment: it may only narrow.
    public let localPolicy: (policy: LocalPolicy, path: String, sha256: String)?
    /// Re-verify every closure event's signature (admission already did, and `verify --full` does).
    public let verifySignatures: Bool
    /// Keep what is read in ``LedgerEvidence/cache``, and the signer and certificate checks of
    /// shared events, for later assessments (false: every assessment reads and checks the
    /// ledger afresh, as a one-shot command does).
    public let reuseEvents: Bool
    /// Closures of at least this many lots have their rules run as two groups on two cores
    /// (the answer is the same as one after the other); nil: always one after the other.
    public let parallelRulesFromLots: Int?

    /// Below this many closure lots, a second thread costs more than it saves.
    public static let largeClosure = 64

    public init(evidence: LedgerEvidence, localPolicy: (policy: LocalPolicy, path: String, sha256: String)? = nil,
                verifySignatures: Bool = false, reuseEvents: Bool = true, parallelRulesFromLots: Int? = Assessor.largeClosure) {
        self.evidence = evidence
        self.localPolicy = localPolicy
        self.verifySignatures = verifySignatures
        self.reuseEvents = reuseEvents
        self.parallelRulesFromLots = parallelRulesFromLots
    }

    public func assess(_ lot: LotID, market code: String, at time: Timestamp) throws -> Assessment {
        var policy: HalalPolicy
        do {
            policy = try evidence.policy(at: time)
            if let local = localPolicy { try policy.narrow(by: local.policy, path: local.path, sha256: local.sha256) }
        } catch {
            throw AssessmentError.policy(error)
        }
        guard let market = policy.markets[code] else {
            throw AssessmentError.policy(.unknownMarket(code, known: policy.markets.keys.sorted()))
        }
        let closure = try evidence.source.consistentReads {
            try LotClosure(root: lot, at: time, from: $0,
                           cache: reuseEvents ? evidence.cache : ProvenanceCache(treeSize: evidence.treeSize))
        }
        var run = RuleRun(closure: closure, policy: policy, market: market, code: code, evidence: evidence, verifySignatures: verifySignatures,
                          remember: reuseEvents)
        let results = try run.evaluate(parallelFromLots: parallelRulesFromLots)
        let answer = Assessment(lot: lot, market: code, marketName: market.name, time: time, policy: policy.summary,
                                policyVersion: policy.version, results: results, closureLots: closure.lots.count,
                                closureEvents: closure.steps.count)
        // Freeing a large closure (thousands of objects) is a tenth of an assessment: done on
        // another thread, after the answer has left.
        if closure.ordered.count >= Assessor.largeClosure {
            Leftovers.release(Leftovers(closure: consume closure, run: consume run))
        }
        return answer
    }
}

/// What an assessment built and no longer needs, released on a background queue.
private final class Leftovers: @unchecked Sendable {
    // Nothing reads them again: the queue only drops the last references.
    private var closure: LotClosure?
    private var run: RuleRun?
    private static let queue = DispatchQueue(label: "hadic.assessment.leftovers", qos: .utility)

    init(closure: consuming LotClosure, run: consuming RuleRun) {
        self.closure = closure
        self.run = run
    }

    static func release(_ leftovers: Leftovers) {
        queue.async {
            leftovers.run = nil
            leftovers.closure = nil
        }
    }
}
