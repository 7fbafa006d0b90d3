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

    public init(evidence: LedgerEvidence, localPolicy: (policy: LocalPolicy, path: String, sha256: String)? = nil, verifySignatures: Bool = false) {
        self.evidence = evidence
        self.localPolicy = localPolicy
        self.verifySignatures = verifySignatures
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
        let closure = try LotClosure(root: lot, at: time, from: evidence.source)
        var run = RuleRun(closure: closure, policy: policy, market: market, code: code, evidence: evidence, verifySignatures: verifySignatures)
        let results = try run.evaluate()
        return Assessment(lot: lot, market: code, marketName: market.name, time: time, policy: policy.summary,
                          policyVersion: policy.version, results: results, closureLots: closure.lots.count,
                          closureEvents: closure.events.count)
    }
}

/// One assessment's evaluation: the rules, sharing what they look up.
struct RuleRun {
    let closure: LotClosure
    let policy: HalalPolicy
    let market: MarketPolicy
    let code: String
    let evidence: LedgerEvidence
    let verifySignatures: Bool

    private let book = ResultBook()
    private var evidenceMemo: [LotID: Bool] = [:]
    private var slaughterMemo: [LotID: Bool] = [:]

    init(closure: LotClosure, policy: HalalPolicy, market: MarketPolicy, code: String, evidence: LedgerEvidence, verifySignatures: Bool) {
        self.closure = closure
        self.policy = policy
        self.market = market
        self.code = code
        self.evidence = evidence
        self.verifySignatures = verifySignatures
    }

    mutating func evaluate() throws -> [RuleResult] {
        try checkSignatures()
        checkCustody()
        checkMass()
        try checkProducers()
        checkInputs()
        checkComposition()
        checkSlaughter()
        try checkHandling()
        try checkSegregation()
        try checkSertu()
        checkEthanol()
        checkNonconformity()
        checkNames()
        checkLabTests()
        return AssessmentRule.allCases.map { book.results[$0] ?? RuleResult(rule: $0) }
    }

    // MARK: Shared lookups

    private func with(_ rule: AssessmentRule, _ body: (inout RuleResult) -> Void) {
        body(&book.results[rule, default: RuleResult(rule: rule)])
    }

    private func origin(_ lot: ClosureLot) -> ClosureEvent? { lot.origin.flatMap { closure.events[$0] } }

    /// The facility an origin event names, if any.
    private func facility(_ e: ClosureEvent) -> String? {
        switch e.envelope.body {
        case .lotCreate(let c): return c.facility
        case .lotTransform(let t): return t.facility
        default: return nil
        }
    }

    /// Inputs of a lot's making: a transformation's inputs, or everything packed into a container.
    private func inputs(_ lot: ClosureLot) -> [LotID] {
        guard let o = origin(lot) else { return [] }
        switch o.envelope.body {
        case .lotTransform(let t): return t.inputs.map(\.lot)
        case .lotAggregate:
            return closure.events(of: lot.id, .container).flatMap { e -> [LotID] in
                guard case .lotAggregate(let a) = e.envelope.body else { return [] }
                return a.children.map(\.lot)
            }
        default: return []
        }
    }

    private static func certRef(_ c: CertificateTimeline) -> String { "\(c.issuer)/\(c.issue.number)" }

    private func scopeCovers(_ c: CertificateTimeline, _ lot: ClosureLot, facility: String?) -> Bool {
        let s = c.issue.scope
        let product = s.classes.contains(lot.record.materialClass) || s.products.contains(lot.record.product)
            || (lot.id.gtin.map { s.gtins.contains($0) } ?? false)
        let facilityOnly = s.classes.isEmpty && s.products.isEmpty && s.gtins.isEmpty && s.services.isEmpty
        guard product || facilityOnly else { return false }
        if let f = facility, !s.facilities.isEmpty { return s.facilities.contains(f) }
        return true
    }

    private func recognised(_ c: CertificateTimeline, at time: Timestamp) -> Bool {
        market.issuers.contains { $0.party == c.issuer && $0.covers(time) }
    }

    enum Coverage {
        case covered(CertificateTimeline)
        case unrecognised(CertificateTimeline)
        case inactive(CertificateTimeline, CertificateTimeline.Status)
        case none
    }

    /// Whether the maker of `lot` held, when making it, a certificate whose scope covers it.
    private func coverage(_ lot: ClosureLot) -> Coverage {
        guard let o = origin(lot) else { return .none }
        let candidates = (evidence.certificates[o.actor] ?? []).filter { scopeCovers($0, lot, facility: facility(o)) }
        let active = candidates.filter { $0.status(at: o.time) == .active }
        if let c = active.first(where: { recognised($0, at: o.time) }) { return .covered(c) }
        if let c = active.first { return .unrecognised(c) }
        if let c = candidates.last { return .inactive(c, c.status(at: o.time)) }
        return .none
    }

    /// An active, recognised certificate of `party` at `time`, optionally only logistics ones
    /// (with services in scope); else the best reason there is none.
    private func anyCertificate(of party: PartyID, at time: Timestamp, logistics: Bool) -> Coverage {
        let candidates = (evidence.certificates[party] ?? []).filter { !logistics || !$0.issue.scope.services.isEmpty }
        let active = candidates.filter { $0.status(at: time) == .active }
        if let c = active.first(where: { recognised($0, at: time) }) { return .covered(c) }
        if let c = active.first { return .unrecognised(c) }
        if let c = candidates.last { return .inactive(c, c.status(at: time)) }
        return .none
    }

    private func ethanolMeasurements(_ lot: LotID) -> [(ClosureEvent, Measurement)] {
        closure.events(of: lot, .inspected).compactMap { e in
            guard case .lotInspect(let i) = e.envelope.body, i.test == "ethanol", let m = i.measurement else { return nil }
            return (e, m)
        }
    }

    /// Critical classes, and anything with recorded ethanol, never pass by the positive list.
    private func isCritical(_ lot: ClosureLot) -> Bool {
        policy.critical.contains(lot.record.materialClass)
            || ethanolMeasurements(lot.id).contains { DecimalText.compare($0.1.value, "0") == 1 }
    }

    private func onPositiveList(_ lot: ClosureLot) -> Bool {
        policy.nonCritical.contains(lot.record.materialClass) && !isCritical(lot)
    }

    /// R-BOM's three ways: (a) positive list, (b) the supplier's recognised certificate covers
    /// it, (c) itself supported, recursively.
    private mutating func hasEvidence(_ id: LotID) -> Bool {
        if let known = evidenceMemo[id] { return known }
        evidenceMemo[id] = false  // a cycle cannot support itself
        guard let lot = closure.lots[id] else { return false }
        var ok = false
        if lot.record.kind == .container {
            let contents = inputs(lot)
            ok = !contents.isEmpty && contents.allSatisfy { hasEvidence($0) }
        } else if onPositiveList(lot) {
            ok = true
        } else if case .covered = coverage(lot) {
            ok = true
        } else if let o = origin(lot), case .lotTransform = o.envelope.body {
            let ins = inputs(lot)
            ok = !ins.isEmpty && ins.allSatisfy { hasEvidence($0) }
        }
        evidenceMemo[id] = ok
        return ok
    }

    // MARK: R-SIG

    private mutating func checkSignatures() throws {
        var r = RuleResult(rule: .signature)
        for e in closure.events.values.sorted(by: { $0.index < $1.index }) {
            r.used(event: e.id)
            guard let (key, added, retired) = try evidence.key(e.envelope.keyID), key.party == e.actor else {
                r.fail("key \(e.envelope.keyID.prefix(16))… of event \(e.stored.id.short) is not a key of \(e.actor)", event: e.id)
                continue
            }
            if let added, e.time < added {
                r.fail("event \(e.stored.id.short) at \(e.time) is signed with a key of \(e.actor) added only at \(added)", event: e.id)
            }
            if let retired, retired <= e.time {
                r.fail("event \(e.stored.id.short) at \(e.time) is signed with a key of \(e.actor) retired at \(retired)", event: e.id)
            }
            if let (_, revoked) = try evidence.party(e.actor), let revoked, revoked <= e.time {
                r.fail("event \(e.stored.id.short) at \(e.time) is by \(e.actor), revoked at \(revoked)", event: e.id)
            }
            if verifySignatures && !key.publicKey.isValidSignature(e.envelope.signature, for: e.envelope.signingInput) {
                r.fail("the signature of event \(e.stored.id.short) does not verify under key \(e.envelope.keyID.prefix(16))…", event: e.id)
            }
        }
        r.note = "\(closure.events.count) events, each by a key registered to its actor and live at its time"
            + (verifySignatures ? "; signatures re-verified" : "; signatures verified at admission")
        book.results[.signature] = r
    }

    // MARK: R-CUSTODY

    private mutating func checkCustody() {
        var r = RuleResult(rule: .custody)
        var checked = 0
        for lot in closure.order.compactMap({ closure.lots[$0] }) {
            let made = origin(lot)
            let receives = closure.events(of: lot.id, .received)
            for ship in closure.events(of: lot.id, .shipped) {
                checked += 1
                r.used(event: ship.id)
                if let made, ship.time < made.time {
                    r.fail("\(lot.id) is shipped at \(ship.time) (event \(ship.stored.id.short)), before it was made at \(made.time)",
                           lot: lot.id.rawValue, event: ship.id)
                }
                guard let receive = receives.first(where: {
                    if case .custodyReceive(let b) = $0.envelope.body { return b.shipment == ship.stored.id }
                    return false
                }) else { continue }  // in transit: the receiver cannot have used it yet
                r.used(event: receive.id)
                if receive.time < ship.time {
                    r.fail("\(lot.id) is received at \(receive.time) (event \(receive.stored.id.short)), before its shipment at \(ship.time) (event \(ship.stored.id.short))",
                           lot: lot.id.rawValue, event: receive.id)
                }
            }
            // A holder uses what it received only after receiving it.
            for use in closure.events(of: lot.id, .consumed) + closure.events(of: lot.id, .packed) {
                if let made, use.time < made.time {
                    r.fail("\(lot.id) is used at \(use.time) (event \(use.stored.id.short)), before it was made at \(made.time)",
                           lot: lot.id.rawValue, event: use.id)
                }
                if let last = receives.last(where: { $0.index < use.index && $0.actor == use.actor }), use.time < last.time {
                    r.fail("\(use.actor) uses \(lot.id) at \(use.time) (event \(use.stored.id.short)), before receiving it at \(last.time) (event \(last.stored.id.short))",
                           lot: lot.id.rawValue, event: use.id)
                }
            }
        }
        r.note = "\(checked) shipments matched by their receives (same lots and quantities, enforced at admission)"
        book.results[.custody] = r
    }

    // MARK: R-MASS

    private mutating func checkMass() {
        var r = RuleResult(rule: .massBalance)
        var compared = 0, incomparable = 0
        let gain = Self.scaledPercent(policy.massGainPercent)
        var seen = Set<UInt64>()
        for lot in closure.upstreamLots {
            guard let o = origin(lot), seen.insert(o.index).inserted, case .lotTransform(let t) = o.envelope.body else { continue }
            let dims = Set((t.inputs.map(\.quantity) + t.outputs.map(\.quantity)).map(\.unit.dimension))
            guard dims.count == 1, dims.first != .count else { incomparable += 1; continue }
            compared += 1
            let inMicro = t.inputs.reduce(Int128(0)) { $0 + Int128($1.quantity.micro) }
            let outMicro = t.outputs.reduce(Int128(0)) { $0 + Int128($1.quantity.micro) }
            // out <= in * (1 + gain/100), with gain scaled by 10^6.
            if outMicro * 100_000_000 > inMicro * (100_000_000 + gain) {
                r.fail("event \(o.stored.id.short) by \(o.actor) makes more than it consumes (over the policy's \(policy.massGainPercent)% gain): an undeclared input?",
                       lot: lot.id.rawValue, event: o.id)
            }
            r.used(event: o.id)
        }
        r.note = "\(compared) transformations within \(policy.massGainPercent)% gain"
            + (incomparable > 0 ? ", \(incomparable) mixing dimensions not compared" : "") + "; draws within holdings (enforced at admission)"
        book.results[.massBalance] = r
    }

    /// A percent in decimal text, times 10^6 (so "2.5" is 2,500,000); beyond 6 decimals truncated.
    static func scaledPercent(_ text: String) -> Int128 {
        let parts = text.split(separator: ".", maxSplits: 1)
        let whole = Int128(parts.first.flatMap { Int64($0) } ?? 0)
        var frac = parts.count > 1 ? String(parts[1].prefix(6)) : ""
        frac += String(repeating: "0", count: 6 - frac.count)
        return whole * 1_000_000 + Int128(Int64(frac) ?? 0)
    }

    // MARK: R-CERT-VALID, R-ISSUER: the producer of the assessed lot

    /// The lots whose maker is "the producer": the assessed lot, or what a container holds.
    private func producedLots() -> [ClosureLot] {
        var out: [ClosureLot] = []
        var stack = [closure.root]
        var seen = Set<LotID>()
        while let id = stack.popLast() {
            guard seen.insert(id).inserted, let lot = closure.lots[id] else { continue }
            if lot.record.kind == .container { stack += inputs(lot) } else { out.append(lot) }
        }
        return out
    }

    private mutating func report(_ coverage: Coverage, for lot: ClosureLot, role: String) {
        guard let o = origin(lot) else {
            with(.certificateValid) { $0.unknown("\(lot.id) has no making event in the ledger", lot: lot.id.rawValue) }
            return
        }
        switch coverage {
        case .covered(let c):
            with(.certificateValid) { $0.used(certificate: Self.certRef(c)); $0.used(lot: lot.id.rawValue) }
            with(.issuer) { $0.used(certificate: Self.certRef(c)) }
        case .unrecognised(let c):
            with(.issuer) {
                $0.fail("certificate \(c.issue.number) of \(o.actor) (\(role) of \(lot.id)) is issued by \(c.issuer), which \(code) does not recognise at \(o.time)",
                        lot: lot.id.rawValue, event: o.id)
                $0.used(certificate: Self.certRef(c))
            }
        case .inactive(let c, let status):
            with(.certificateValid) {
                $0.fail("certificate \(c.issue.number) of \(o.actor) covering \(lot.id) was \(status.rawValue) at \(o.time) (event \(o.stored.id.short))",
                        lot: lot.id.rawValue, event: o.id)
                $0.used(certificate: Self.certRef(c))
            }
        case .none:
            with(.certificateValid) {
                $0.fail("\(o.actor) held no certificate covering \(lot.id) (class \(lot.record.materialClass)"
                        + (facility(o).map { ", facility \($0)" } ?? "") + ") when it made it at \(o.time)",
                        lot: lot.id.rawValue, event: o.id)
            }
        }
    }

    private mutating func checkProducers() throws {
        for lot in producedLots() { report(coverage(lot), for: lot, role: "producer") }
    }

    // MARK: R-BOM, R-CRITICAL, R-SELF-DECLARE

    private mutating func checkInputs() {
        var inputsChecked = 0, criticalChecked = 0
        var seen = Set<UInt64>()
        for lot in closure.upstreamLots {
            guard let o = origin(lot), case .lotTransform = o.envelope.body, seen.insert(o.index).inserted else { continue }
            for id in inputs(lot) {
                guard let input = closure.lots[id] else { continue }
                inputsChecked += 1
                let critical = isCritical(input)
                if critical { criticalChecked += 1 }
                let rule: AssessmentRule = critical ? .critical : .billOfMaterials
                with(rule) { $0.used(lot: id.rawValue) }
                guard !hasEvidence(id) else { continue }
                let cov = coverage(input)
                switch cov {
                case .inactive, .unrecognised:
                    report(cov, for: input, role: "supplier")
                case .covered, .none:
                    break
                }
                let what = critical ? "critical input" : "input"
                let maker = origin(input).map { " (made by \($0.actor))" } ?? ""
                with(rule) {
                    $0.fail("\(what) \(id) (class \(input.record.materialClass))\(maker) of event \(o.stored.id.short) is "
                            + (critical ? "" : "not on the positive list, ") + "not covered by a recognised certificate of its supplier, and not itself supported",
                            lot: id.rawValue, event: o.id)
                }
            }
        }
        with(.billOfMaterials) { $0.note = "\(inputsChecked) inputs, each listed, certified or supported" }
        with(.critical) { $0.note = "\(criticalChecked) critical inputs, each certified or supported (never by the positive list)" }
        checkSelfDeclared()
    }

    private mutating func checkSelfDeclared() {
        let ethanolClasses = Set(market.ethanol.flatMap(\.classes))
        var count = 0
        for lot in closure.upstreamLots {
            guard case .covered(let c) = coverage(lot), c.issue.selfDeclared, let o = origin(lot) else { continue }
            count += 1
            with(.selfDeclare) { $0.used(certificate: Self.certRef(c)) }
            if ethanolClasses.contains(lot.record.materialClass) {
                with(.selfDeclare) {
                    $0.fail("\(lot.id) (class \(lot.record.materialClass)) needs an ethanol test, which self-declared certificate \(c.issue.number) cannot cover",
                            lot: lot.id.rawValue, event: o.id)
                }
            }
            for id in inputs(lot) {
                guard let input = closure.lots[id] else { continue }
                var simple = onPositiveList(input)
                if !simple, case .covered = coverage(input) { simple = !isCritical(input) }
                if !simple {
                    with(.selfDeclare) {
                        $0.fail("self-declared certificate \(c.issue.number) covers \(lot.id), but its input \(id) (class \(input.record.materialClass)) is neither listed nor certified: not a simple product",
                                lot: lot.id.rawValue, event: o.id)
                    }
                }
            }
        }
        with(.selfDeclare) { $0.note = count == 0 ? "no self-declared certificate relied on" : "\(count) lots under self-declared certificates" }
    }

    // MARK: R-COMPOSITION

    private mutating func checkComposition() {
        var count = 0
        var seen = Set<UInt64>()
        for lot in closure.upstreamLots {
            guard let o = origin(lot), case .lotTransform = o.envelope.body, case .covered(let c) = coverage(lot),
                  seen.insert(o.index).inserted else { continue }
            count += 1
            with(.composition) { $0.used(certificate: Self.certRef(c)); $0.used(event: o.id) }
            guard !c.issue.composition.isEmpty else {
                with(.composition) {
                    $0.unknown("certificate \(c.issue.number) of \(o.actor) records no composition to compare event \(o.stored.id.short) with",
                               lot: lot.id.rawValue, event: o.id)
                }
                continue
            }
            let allowed = Set(c.issue.composition)
            for id in inputs(lot) {
                guard let input = closure.lots[id], !allowed.contains(input.record.materialClass) else { continue }
                with(.composition) {
                    $0.fail("event \(o.stored.id.short) makes \(lot.id) from \(id) (class \(input.record.materialClass)), outside the composition certificate \(c.issue.number) covers (\(c.issue.composition.joined(separator: ", "))): certificate update required",
                            lot: lot.id.rawValue, event: o.id)
                }
            }
        }
        with(.composition) { $0.note = "\(count) certified transformations match their certificates' compositions" }
    }

    // MARK: R-SLAUGHTER

    private mutating func checkSlaughter() {
        var count = 0
        for lot in closure.upstreamLots where policy.animal.contains(lot.record.materialClass) {
            count += 1
            _ = traceSlaughter(lot.id)
        }
        with(.slaughter) { $0.note = count == 0 ? "no animal-derived lot" : "\(count) animal-derived lots trace to a certified slaughter" }
    }

    /// Whether an animal-derived lot traces back to a certified slaughter; reports the first gap.
    private mutating func traceSlaughter(_ id: LotID) -> Bool {
        if let known = slaughterMemo[id] { return known }
        slaughterMemo[id] = false
        guard let lot = closure.lots[id], let o = origin(lot) else { return false }
        var ok = false
        switch o.envelope.body {
        case .lotTransform(let t):
            let ins = t.inputs.compactMap { closure.lots[$0.lot] }
            if ins.contains(where: { policy.liveAnimals.contains($0.record.materialClass) }) {
                if case .covered(let c) = coverage(lot) {
                    ok = true
                    with(.slaughter) { $0.used(certificate: Self.certRef(c)); $0.used(event: o.id) }
                } else {
                    with(.slaughter) {
                        $0.fail("slaughter event \(o.stored.id.short) by \(o.actor) making \(id) is not covered by an active recognised certificate",
                                lot: id.rawValue, event: o.id)
                    }
                }
            } else {
                let animal = ins.filter { policy.animal.contains($0.record.materialClass) }
                if animal.isEmpty {
                    with(.slaughter) {
                        $0.fail("\(id) (class \(lot.record.materialClass)) is made by event \(o.stored.id.short) from no live animal or animal-derived input",
                                lot: id.rawValue, event: o.id)
                    }
                } else {
                    ok = animal.allSatisfy { traceSlaughter($0.id) }
                }
            }
        case .lotCreate:
            let slaughterhouse = (evidence.certificates[o.actor] ?? []).contains {
                $0.issue.scope.services.contains("slaughter") && $0.status(at: o.time) == .active && recognised($0, at: o.time)
            }
            ok = slaughterhouse
            if !slaughterhouse {
                with(.slaughter) {
                    $0.fail("\(id) (class \(lot.record.materialClass)) was created by \(o.actor) (event \(o.stored.id.short)) without a slaughter step or a recognised slaughter certificate",
                            lot: id.rawValue, event: o.id)
                }
            }
        default:
            break
        }
        slaughterMemo[id] = ok
        return ok
    }

    // MARK: R-LOGISTICS and handlers (R-CERT-VALID)

    private mutating func checkHandling() throws {
        var shipments = 0
        var seenShips = Set<UInt64>(), seenHandling = Set<UInt64>()
        for lot in closure.upstreamLots {
            for (ship, via) in closure.shipments(of: lot.id) where seenShips.insert(ship.index).inserted {
                guard case .custodyShip(let s) = ship.envelope.body else { continue }
                shipments += 1
                let carrier = s.carrier ?? ship.actor
                let cov = anyCertificate(of: carrier, at: ship.time, logistics: true)
                let carried = via.map { "\(lot.id) (in \($0))" } ?? "\(lot.id)"
                with(.logistics) { $0.used(event: ship.id) }
                if case .covered(let c) = cov {
                    with(.logistics) { $0.used(certificate: Self.certRef(c)) }
                    with(.issuer) { $0.used(certificate: Self.certRef(c)) }
                    continue
                }
                if market.certifiedLogistics {
                    let why: String
                    switch cov {
                    case .unrecognised(let c): why = "its certificate \(c.issue.number) is from \(c.issuer), not recognised by \(code)"
                    case .inactive(let c, let st): why = "its certificate \(c.issue.number) was \(st.rawValue)"
                    default: why = "it holds no halal logistics certificate"
                    }
                    with(.logistics) {
                        $0.fail("shipment \(ship.stored.id.short) of \(carried) at \(ship.time) by carrier \(carrier): \(why), and \(code) requires certified logistics",
                                lot: lot.id.rawValue, event: ship.id)
                    }
                } else if s.segregated != true {
                    with(.logistics) {
                        $0.fail("shipment \(ship.stored.id.short) of \(carried) by uncertified carrier \(carrier) declares no dedicated, segregated transport",
                                lot: lot.id.rawValue, event: ship.id)
                    }
                }
            }
            // Storing and packing: the handler works under a halal assurance system.
            var handling = closure.events(of: lot.id, .received).map { ($0, "storing") }
            handling += closure.events(of: lot.id, .packed).map { ($0, "packing") }
            for (carrier, window) in closure.carriers(of: lot.id) {
                handling += closure.events(of: carrier, .received).filter { window.contains($0.index) }.map { ($0, "storing") }
            }
            for (e, work) in handling where seenHandling.insert(e.index).inserted {
                let role = try evidence.party(e.actor)?.0.role
                let warehouse = role == .logistics || role == .exporter
                let cov = anyCertificate(of: e.actor, at: e.time, logistics: warehouse && market.certifiedLogistics)
                switch cov {
                case .covered(let c):
                    with(warehouse ? .logistics : .certificateValid) { $0.used(certificate: Self.certRef(c)) }
                    with(.issuer) { $0.used(certificate: Self.certRef(c)) }
                case .unrecognised(let c):
                    with(.issuer) {
                        $0.fail("\(e.actor) (\(work) \(lot.id), event \(e.stored.id.short)) relies on certificate \(c.issue.number) from \(c.issuer), which \(code) does not recognise at \(e.time)",
                                lot: lot.id.rawValue, event: e.id)
                    }
                case .inactive(let c, let st):
                    with(warehouse ? .logistics : .certificateValid) {
                        $0.fail("\(e.actor) (\(work) \(lot.id), event \(e.stored.id.short)): its certificate \(c.issue.number) was \(st.rawValue) at \(e.time)",
                                lot: lot.id.rawValue, event: e.id)
                    }
                case .none:
                    with(warehouse ? .logistics : .certificateValid) {
                        $0.fail("\(e.actor) (\(work) \(lot.id), event \(e.stored.id.short)) held no " + (warehouse && market.certifiedLogistics ? "halal warehousing " : "")
                                + "certificate at \(e.time)", lot: lot.id.rawValue, event: e.id)
                    }
                }
            }
        }
        with(.logistics) { $0.note = "\(shipments) shipments" + (market.certifiedLogistics ? " by certified carriers (\(code) requires it)" : " certified or declared segregated") }
        with(.certificateValid) { $0.note = "producer and handlers certified at each step's time" }
        with(.issuer) { $0.note = "every certificate relied on is recognised by \(code) (\(market.name)) at its time" }
    }

    // MARK: R-SEGREGATION

    private mutating func checkSegregation() throws {
        let goods = try evidence.nonHalalGoods(classes: policy.nonHalal)
        var checks = 0
        for lot in closure.upstreamLots {
            for (container, _) in closure.carriers(of: lot.id) {
                checks += 1
                for mark in goods.containers[container] ?? [] {
                    with(.segregation) {
                        $0.fail("\(lot.id) shared container \(container) with non-halal lot \(mark.lot) (event \(mark.event.short))",
                                lot: lot.id.rawValue, event: mark.event.hex)
                    }
                }
            }
            for (ship, _) in closure.shipments(of: lot.id) {
                checks += 1
                guard case .custodyShip(let s) = ship.envelope.body else { continue }
                if goods.shipments.contains(ship.stored.id) {
                    with(.segregation) {
                        $0.fail("shipment \(ship.stored.id.short) carried \(lot.id) together with non-halal goods", lot: lot.id.rawValue, event: ship.id)
                    }
                }
                guard let vehicle = s.vehicle else { continue }
                let arrived = closure.events.values.first {
                    if case .custodyReceive(let b) = $0.envelope.body { return b.shipment == ship.stored.id }
                    return false
                }?.time ?? closure.time
                for mark in goods.vehicles[vehicle] ?? [] where mark.event != ship.stored.id && ship.time <= mark.time && mark.time <= arrived {
                    with(.segregation) {
                        $0.fail("vehicle \(vehicle) carried non-halal lot \(mark.lot) (event \(mark.event.short)) while it carried \(lot.id) (shipment \(ship.stored.id.short))",
                                lot: lot.id.rawValue, event: ship.id)
                    }
                }
            }
            for receive in closure.events(of: lot.id, .received) {
                guard case .custodyReceive(let r) = receive.envelope.body, let place = r.storage else { continue }
                checks += 1
                for mark in goods.storage[place] ?? [] where mark.time <= closure.time {
                    with(.segregation) {
                        $0.fail("storage place \(place), where \(receive.actor) kept \(lot.id) (event \(receive.stored.id.short)), also received non-halal lot \(mark.lot) (event \(mark.event.short)); zone it under its own storage id",
                                lot: lot.id.rawValue, event: receive.id)
                    }
                }
            }
        }
        with(.segregation) { $0.note = "\(checks) containers, shipments and storage places free of non-halal goods (classes: \(policy.nonHalal.sorted().joined(separator: ", ")))" }
    }

    // MARK: R-SERTU

    private mutating func checkSertu() throws {
        let severe = try evidence.nonHalalGoods(classes: policy.severeNajis)
        var uses: [(asset: String, e: ClosureEvent, lot: LotID)] = []
        var seen = Set<String>()
        for lot in closure.upstreamLots {
            for (ship, _) in closure.shipments(of: lot.id) {
                if case .custodyShip(let s) = ship.envelope.body, let v = s.vehicle, seen.insert("\(v) \(ship.index)").inserted {
                    uses.append((v, ship, lot.id))
                }
            }
            if let o = origin(lot), let f = facility(o), seen.insert("\(f) \(o.index)").inserted { uses.append((f, o, lot.id)) }
        }
        for use in uses {
            var contacts: [(time: Timestamp, event: EventID, what: String)] = []
            for a in evidence.assets[use.asset] ?? [] {
                if case .najis(let l) = a.kind, a.time <= use.e.time { contacts.append((a.time, a.event, "najis incident on \(l)")) }
            }
            for mark in severe.vehicles[use.asset] ?? [] where mark.time <= use.e.time && mark.event != use.e.stored.id {
                contacts.append((mark.time, mark.event, "carried \(mark.lot)"))
            }
            guard let last = contacts.max(by: { $0.time < $1.time }) else { continue }
            let sertu = (evidence.assets[use.asset] ?? []).first { a in
                guard case .cleanse(let c) = a.kind, c.method == .sertu, last.time < a.time, a.time <= use.e.time else { return false }
                return (c.washes ?? 0) >= 7 && c.clay == true && c.supervisor != nil
            }
            if let sertu {
                with(.sertu) { $0.used(event: sertu.event.hex) }
            } else {
                with(.sertu) {
                    $0.fail("\(use.asset) touched severe najis (\(last.what), event \(last.event.short), \(last.time)) and has no sertu (7 washes, one with clay, supervised) before its use for \(use.lot) in event \(use.e.stored.id.short) at \(use.e.time)",
                            lot: use.lot.rawValue, event: use.e.id)
                }
            }
        }
        with(.sertu) { $0.note = "\(uses.count) uses of vehicles and facilities checked for najis contact" }
    }

    // MARK: R-ETHANOL

    private mutating func checkEthanol() {
        var measured = 0
        for lot in closure.upstreamLots {
            let limits = market.ethanol.filter { $0.classes.contains(lot.record.materialClass) }
            let measurements = ethanolMeasurements(lot.id)
            measured += measurements.count
            guard let limit = limits.min(by: { (DecimalText.compare($0.maxPercent, $1.maxPercent) ?? 0) < 0 }) else {
                for (e, _) in measurements { with(.ethanol) { $0.used(event: e.id) } }
                continue
            }
            guard let (e, m) = measurements.last else {
                with(.ethanol) {
                    $0.unknown("\(lot.id) (class \(lot.record.materialClass)) has no recorded ethanol result; \(code) requires under \(limit.maxPercent)%",
                               lot: lot.id.rawValue)
                }
                continue
            }
            with(.ethanol) { $0.used(event: e.id) }
            if (DecimalText.compare(m.value, limit.maxPercent) ?? 1) >= 0 {
                with(.ethanol) {
                    $0.fail("\(lot.id) has \(m.value) \(m.unit) ethanol (event \(e.stored.id.short)), not under \(code)'s \(limit.maxPercent)% for class \(lot.record.materialClass)",
                            lot: lot.id.rawValue, event: e.id)
                }
            }
        }
        with(.ethanol) { $0.note = "\(measured) ethanol results; \(market.ethanol.count) limits for \(code)" }
    }

    // MARK: R-NONCONFORM

    private mutating func checkNonconformity() {
        var resolved = Set<EventID>()
        for e in closure.events.values {
            if case .lotIncident(let i) = e.envelope.body, let r = i.resolves { resolved.insert(r) }
        }
        var incidents = 0
        for lot in closure.order.compactMap({ closure.lots[$0] }) {
            for e in closure.events(of: lot.id, .incident) {
                guard case .lotIncident(let i) = e.envelope.body, i.kind != .resolution else { continue }
                incidents += 1
                with(.nonconformity) { $0.used(event: e.id) }
                if !resolved.contains(e.stored.id) {
                    with(.nonconformity) {
                        $0.fail("open \(i.kind.rawValue) on \(lot.id) (event \(e.stored.id.short), \(e.time)): \(i.description)", lot: lot.id.rawValue, event: e.id)
                    }
                }
            }
            for e in closure.events(of: lot.id, .recalled) {
                guard case .lotRecall(let rc) = e.envelope.body else { continue }
                with(.nonconformity) {
                    $0.fail("\(lot.id) was recalled (event \(e.stored.id.short), \(e.time)): \(rc.reason)", lot: lot.id.rawValue, event: e.id)
                }
            }
        }
        with(.nonconformity) { $0.note = "\(incidents) incidents upstream, all resolved; no recall" }
    }

    // MARK: R-NAME

    private mutating func checkNames() {
        let terms = policy.haramNames.map { Self.words($0) }.filter { !$0.isEmpty }
        for lot in closure.upstreamLots {
            let words = Self.words(lot.record.product)
            for term in terms where Self.contains(words, term) {
                with(.name) {
                    $0.unknown("product name \"\(lot.record.product)\" of \(lot.id) contains \"\(term.joined(separator: " "))\": flagged for human review",
                               lot: lot.id.rawValue, event: lot.origin.flatMap { closure.events[$0]?.id })
                }
            }
        }
        with(.name) { $0.note = "\(closure.upstreamLots.count) product names checked against \(terms.count) haram terms" }
    }

    static func words(_ text: String) -> [String] {
        text.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
    }

    static func contains(_ words: [String], _ term: [String]) -> Bool {
        guard !term.isEmpty, words.count >= term.count else { return false }
        return (0...(words.count - term.count)).contains { Array(words[$0..<($0 + term.count)]) == term }
    }

    // MARK: R-LABTEST

    private mutating func checkLabTests() {
        var required = 0
        for req in market.labTests {
            for lot in closure.upstreamLots where req.classes.contains(lot.record.materialClass) {
                required += 1
                let results = closure.events(of: lot.id, .inspected).compactMap { e -> (ClosureEvent, LotInspect)? in
                    guard case .lotInspect(let i) = e.envelope.body, i.test == req.test else { return nil }
                    return (e, i)
                }
                guard let (e, latest) = results.last else {
                    with(.labTest) {
                        $0.unknown("\(lot.id) (class \(lot.record.materialClass)) has no \(req.test) result; \(code) requires one", lot: lot.id.rawValue)
                    }
                    continue
                }
                with(.labTest) { $0.used(event: e.id) }
                switch latest.result {
                case .pass, .negative:
                    continue
                case .fail, .positive:
                    with(.labTest) {
                        $0.fail("\(req.test) on \(lot.id) is \(latest.result.rawValue) (event \(e.stored.id.short))", lot: lot.id.rawValue, event: e.id)
                    }
                case .inconclusive:
                    with(.labTest) {
                        $0.unknown("\(req.test) on \(lot.id) is inconclusive (event \(e.stored.id.short))", lot: lot.id.rawValue, event: e.id)
                    }
                }
            }
        }
        with(.labTest) { $0.note = market.labTests.isEmpty ? "\(code) requires no lab test" : "\(required) required lab results recorded and clear" }
    }
}

/// The rules' results while an assessment runs (a reference, so rules can add to it while
/// reading the rest of the run).
final class ResultBook {
    var results: [AssessmentRule: RuleResult] = [:]
}
