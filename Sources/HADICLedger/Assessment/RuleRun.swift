import Dispatch
import HADICCore

/// One assessment's evaluation: the rules, sharing what they look up.
struct RuleRun {
    let closure: LotClosure
    let policy: HalalPolicy
    let market: MarketPolicy
    let code: String
    let evidence: LedgerEvidence
    let verifySignatures: Bool

    let book: ResultBook
    /// Per closure lot, by ``ClosureLot/slot``: whether it has evidence (R-BOM), is critical, traces to a slaughter.
    var evidenceMemo: [Bool?]
    var criticalMemo: [Bool?]
    var slaughterMemo: [Bool?]
    /// Coverage of each lot by its maker's certificates (asked by several rules), by slot.
    let coverageMemo: CoverageMemo

    /// Market and policy (with any local narrowing), numbered by the evidence: what memoised coverage depends on.
    let scope: Int

    /// Consult and add to what earlier assessments left in the evidence (false: as a one-shot command).
    let remember: Bool

    /// - Parameter partialResults: the run is a group whose results are merged into another
    ///   run's (``RuleResult/absorb(_:)``).
    init(closure: LotClosure, policy: HalalPolicy, market: MarketPolicy, code: String, evidence: LedgerEvidence,
         verifySignatures: Bool, remember: Bool = true, partialResults: Bool = false) {
        self.remember = remember
        scope = evidence.scopeNumber(Self.scopeText(code: code, policy: policy))
        evidenceMemo = Array(repeating: nil, count: closure.order.count)
        criticalMemo = evidenceMemo
        slaughterMemo = evidenceMemo
        coverageMemo = CoverageMemo(count: closure.order.count)
        book = ResultBook(certificates: evidence.certificateCount, partial: partialResults)
        self.closure = closure
        self.policy = policy
        self.market = market
        self.code = code
        self.evidence = evidence
        self.verifySignatures = verifySignatures
    }

    /// Every rule's result. For a closure of at least `parallelFromLots` lots, the rules run
    /// as two groups, one on another core; the results are the same as one after the other
    /// (nil), which `hadic-bench --verify` checks.
    mutating func evaluate(parallelFromLots: Int? = nil) throws -> [RuleResult] {
        guard let threshold = parallelFromLots, closure.ordered.count >= threshold else {
            try checkSignatures()
            try checkMaking()
            try checkHandlingAndObservations()
            return book.finished()
        }
        // The second group works on its own copy: its own book and memos. Only it touches the
        // evidence's memos (signer checks, coverage, names), so the two never share mutable state.
        let other = OtherCore(run: forked())
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global(qos: .userInitiated).async {
            do {
                try other.run.checkSignatures()
                try other.run.checkHandlingAndObservations()
                // Its results collected there too, off the answer's path.
                other.results = other.run.book.finished()
            } catch {
                other.error = error
            }
            done.signal()
        }
        let failure: (any Error)?
        do { try checkMaking(); failure = nil } catch { failure = error }
        done.wait()  // before anything leaves: the other group reads this run's closure and evidence
        if let failure { throw failure }
        if let error = other.error { throw error }
        var results = book.finished()
        // In the sequential order the second group's rules come after the first's.
        for (i, later) in other.results.enumerated() { results[i].absorb(later) }
        return results
    }

    /// R-CUSTODY, R-MASS, the producers (R-CERT-VALID, R-ISSUER), R-BOM, R-CRITICAL,
    /// R-SELF-DECLARE, R-COMPOSITION, R-SLAUGHTER: reads only the closure and the policy.
    private mutating func checkMaking() throws {
        checkCustody()
        checkMass()
        try checkProducers()
        checkInputs()
        checkComposition()
        checkSlaughter()
    }

    /// R-LOGISTICS and handlers, R-SEGREGATION, R-SERTU, R-ETHANOL, R-NONCONFORMITY, R-NAME,
    /// R-LABTEST (and R-SIG before them): these consult and add to the evidence's memos.
    private mutating func checkHandlingAndObservations() throws {
        try checkHandling()
        try checkSegregation()
        try checkSertu()
        checkEthanol()
        try checkNonconformity()
        checkNames()
        checkLabTests()
    }

    /// A copy of this run with its own (empty) results and memos.
    private func forked() -> RuleRun {
        RuleRun(closure: closure, policy: policy, market: market, code: code, evidence: evidence, verifySignatures: verifySignatures,
                remember: remember, partialResults: true)
    }

    /// The run of the second group and what stopped it, handed between threads.
    private final class OtherCore: @unchecked Sendable {
        // Written by the other thread before it signals, read by this one after waiting.
        var run: RuleRun
        var error: (any Error)?
        /// Its book's finished results (``ResultBook/finished()``).
        var results: [RuleResult] = []
        init(run: RuleRun) { self.run = run }
    }

    // MARK: Shared lookups

    func with(_ rule: AssessmentRule, _ body: (inout RuleResult) -> Void) {
        body(&book.results[rule.position])
    }

    /// Records that `rule` relied on certificate `c` (once per rule: rules meet the same few
    /// certificates thousands of times, and this tests identity rather than hashing names).
    func relied(_ rule: AssessmentRule, on c: CertificateTimeline) {
        let bit = UInt32(1) << UInt32(rule.position)
        guard c.position < book.relied.count, book.relied[c.position] & bit == 0 else { return }
        book.relied[c.position] |= bit
        book.results[rule.position].used(certificate: c.reference)
    }

    func origin(_ lot: ClosureLot) -> LotLink? { lot.origin }

    /// The facility a making row names, if any (containers have none).
    func facility(_ o: LotLink) -> String? {
        o.role == .created || o.role == .produced ? o.place : nil
    }

    static func certRef(_ c: CertificateTimeline) -> String { c.reference }

    static func scopeCovers(_ c: CertificateTimeline, id: LotID, record: LotRecord, facility: String?) -> Bool {
        let s = c.issue.scope
        let product = s.classes.contains(record.materialClass) || s.products.contains(record.product)
            || (id.gtin.map { s.gtins.contains($0) } ?? false)
        let facilityOnly = s.classes.isEmpty && s.products.isEmpty && s.gtins.isEmpty && s.services.isEmpty
        guard product || facilityOnly else { return false }
        if let f = facility, !s.facilities.isEmpty { return s.facilities.contains(f) }
        return true
    }

    /// What memoised coverage depends on: the market, the policy version and any local narrowing.
    static func scopeText(code: String, policy: HalalPolicy) -> String {
        "\(code) v\(policy.version) \(policy.narrowedBy?.sha256 ?? "")"
    }

    func recognised(_ c: CertificateTimeline, at time: Timestamp) -> Bool {
        Self.recognised(c, at: time, by: market)
    }

    static func recognised(_ c: CertificateTimeline, at time: Timestamp, by market: MarketPolicy) -> Bool {
        market.issuers.contains { $0.party == c.issuer && $0.covers(time) }
    }

    enum Coverage {
        case covered(CertificateTimeline)
        case unrecognised(CertificateTimeline)
        case inactive(CertificateTimeline, CertificateTimeline.Status)
        case none
    }

    /// Whether the maker of `lot` held, when making it, a certificate whose scope covers it.
    func coverage(_ lot: ClosureLot) -> Coverage {
        if let known = coverageMemo.bySlot[lot.slot] { return known }
        // A lot whose whole story is in view has the same coverage in every assessment of this
        // scope: a node remembers it on the lot's entry (only the making rules ask, on one thread).
        let kept = remember && lot.whole
        if kept, let known = lot.entry.makerCoverage(scope: scope) {
            coverageMemo.bySlot[lot.slot] = known
            return known
        }
        let result = computeCoverage(lot)
        coverageMemo.bySlot[lot.slot] = result
        if kept { lot.entry.remember(makerCoverage: result, scope: scope) }
        return result
    }

    private func computeCoverage(_ lot: ClosureLot) -> Coverage {
        guard let o = origin(lot) else { return .none }
        return Self.makerCoverage(of: lot.id, record: lot.record, madeBy: o, market: market, evidence: evidence)
    }

    /// Whether the maker of a lot (the actor of its making row `o`) held, when making it, a
    /// certificate whose scope covers it (``coverage(_:)``; a node works it out ahead for every
    /// lot: ``LedgerEvidence/prepare(markets:at:)``).
    static func makerCoverage(of id: LotID, record: LotRecord, madeBy o: LotLink, market: MarketPolicy, evidence: LedgerEvidence) -> Coverage {
        let facility = o.role == .created || o.role == .produced ? o.place : nil
        let candidates = (evidence.certificates[o.actor] ?? []).filter { scopeCovers($0, id: id, record: record, facility: facility) }
        return best(of: candidates, at: o.time, market: market)
    }

    /// The first usable certificate; else an active one the market does not trust; else the
    /// latest one, with its status then.
    private func best(of candidates: [CertificateTimeline], at time: Timestamp) -> Coverage {
        Self.best(of: candidates, at: time, market: market)
    }

    static func best(of candidates: [CertificateTimeline], at time: Timestamp, market: MarketPolicy) -> Coverage {
        var unrecognised: CertificateTimeline?, selfDeclared: CertificateTimeline?
        for c in candidates where c.status(at: time) == .active {
            if recognised(c, at: time, by: market) {
                // A full certificate is relied on before a self-declaration.
                if !c.issue.selfDeclared { return .covered(c) }
                if selfDeclared == nil { selfDeclared = c }
            } else if unrecognised == nil {
                unrecognised = c
            }
        }
        if let c = selfDeclared { return .covered(c) }
        if let c = unrecognised { return .unrecognised(c) }
        if let c = candidates.last { return .inactive(c, c.status(at: time)) }
        return .none
    }


    /// An active, recognised certificate of `party` at `time`, optionally only logistics ones
    /// (with services in scope); else the best reason there is none.
    func anyCertificate(of party: PartyID, at time: Timestamp, logistics: Bool) -> Coverage {
        Self.anyCertificate(of: party, at: time, logistics: logistics, market: market, evidence: evidence)
    }

    static func anyCertificate(of party: PartyID, at time: Timestamp, logistics: Bool, market: MarketPolicy, evidence: LedgerEvidence) -> Coverage {
        let all = evidence.certificates[party] ?? []
        return best(of: logistics ? all.filter { !$0.issue.scope.services.isEmpty } : all, at: time, market: market)
    }

    func ethanolMeasurements(_ lot: ClosureLot) -> [(ClosureEvent, Measurement)] {
        let inspections = lot.rows(.inspected)
        guard !inspections.isEmpty else { return [] }
        return inspections.compactMap { closure.events[$0.leafIndex] }.compactMap { e in
            guard case .lotInspect(let i) = e.body, i.test == "ethanol", let m = i.measurement else { return nil }
            return (e, m)
        }
    }

    /// Critical classes, and anything with recorded ethanol, never pass by the positive list.
    mutating func isCritical(_ lot: ClosureLot) -> Bool {
        if let known = criticalMemo[lot.slot] { return known }
        let critical = policy.critical.contains(lot.record.materialClass)
            || ethanolMeasurements(lot).contains { DecimalText.compare($0.1.value, "0") == 1 }
        criticalMemo[lot.slot] = critical
        return critical
    }

    mutating func onPositiveList(_ lot: ClosureLot) -> Bool {
        policy.nonCritical.contains(lot.record.materialClass) && !isCritical(lot)
    }

    /// R-BOM's three ways: (a) the positive list, (b) its maker's recognised certificate covers
    /// it, (c) itself supported. (c) needs its maker certified too (a supported lot passes
    /// R-CERT-VALID), and every transformation's inputs are checked anyway, wherever it sits
    /// in the closure; so a lot has evidence when (a) or (b) holds, and the closure-wide check
    /// of inputs makes it recursive.
    mutating func hasEvidence(_ lot: ClosureLot) -> Bool {
        if let known = evidenceMemo[lot.slot] { return known }
        var ok = false
        if lot.record.kind == .container {
            evidenceMemo[lot.slot] = false  // containers packed in a cycle cannot support themselves
            // Every content must be in the closure (a truncated closure leaves some out).
            ok = !lot.ingredients.isEmpty && lot.inputs.count == lot.ingredients.count
                && lot.inputs.allSatisfy { hasEvidence($0.lot) }
        } else if onPositiveList(lot) {
            ok = true
        } else if case .covered = coverage(lot) {
            ok = true
        }
        evidenceMemo[lot.slot] = ok
        return ok
    }
}

/// The rules' results while an assessment runs (a reference, so rules can add to it while
/// reading the rest of the run).
final class CoverageMemo {
    var bySlot: [RuleRun.Coverage?]
    init(count: Int) { bySlot = Array(repeating: nil, count: count) }
}

final class ResultBook {
    /// For each certificate (by position), the rules that relied on it, one bit per rule.
    var relied: [UInt32]

    init(certificates: Int, partial: Bool) {
        relied = Array(repeating: 0, count: certificates)
        results = AssessmentRule.allCases.map { RuleResult(rule: $0, partial: partial) }
    }
    /// One per rule, in ``AssessmentRule/allCases`` order.
    var results: [RuleResult]

    /// The results, each with what it used collected into its sets.
    func finished() -> [RuleResult] {
        for i in results.indices { results[i].collectUsed() }
        return results
    }
}
