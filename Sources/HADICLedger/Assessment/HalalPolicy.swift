import HADICCore

/// The policy an assessment applies: the ledger's `policy.set` in force, possibly narrowed by a
/// local file. Every list is what the assessment may rely on, nothing more.
public struct HalalPolicy: Sendable {
    /// The ledger policy's version: its position among the ledger's `policy.set` events.
    public let version: Int
    public let event: EventID
    public let time: Timestamp
    public let setBy: PartyID
    /// The narrowing file applied, if any: its path and the SHA-256 of its bytes.
    public private(set) var narrowedBy: (path: String, sha256: String)?

    public private(set) var markets: [String: MarketPolicy]
    public private(set) var nonCritical: Set<String>
    public private(set) var critical: Set<String>
    public private(set) var animal: Set<String>
    public private(set) var liveAnimals: Set<String>
    public private(set) var nonHalal: Set<String>
    public private(set) var severeNajis: Set<String>
    public private(set) var haramNames: [String]
    public private(set) var massGainPercent: String

    public init(version: Int, event: EventID, time: Timestamp, setBy: PartyID, body: PolicySet) {
        self.version = version
        self.event = event
        self.time = time
        self.setBy = setBy
        markets = Dictionary(body.markets.map { ($0.code, $0.policy) }, uniquingKeysWith: { a, _ in a })
        nonCritical = Set(body.nonCritical)
        critical = Set(body.critical)
        animal = Set(body.animal)
        liveAnimals = Set(body.liveAnimals)
        nonHalal = Set(body.nonHalal)
        severeNajis = Set(body.severeNajis)
        haramNames = body.haramNames
        massGainPercent = body.massGainPercent
    }

    /// "ledger policy v2 (event 3fa1…, 2026-10-01T00:30:00Z, set by hcms-admin)", plus the narrowing.
    public var summary: String {
        var s = "ledger policy v\(version) (event \(event.short), \(time), set by \(setBy))"
        if let n = narrowedBy { s += ", narrowed by \(n.path) (sha256 \(n.sha256.prefix(16))…)" }
        return s
    }

    /// Applies a local policy, which may only narrow: drop issuers or shorten their windows,
    /// drop positive-list classes or markets, add critical, animal, non-halal and haram-name
    /// entries, lower ethanol limits, require certified logistics or lab tests. Anything that
    /// would widen the ledger's policy is refused, naming the field.
    public mutating func narrow(by local: LocalPolicy, path: String, sha256: String) throws(PolicyError) {
        if let keep = local.markets {
            for code in keep.keys where markets[code] == nil {
                throw PolicyError.widens("markets.\(code)", "the ledger policy v\(version) has no market \(code)")
            }
            markets = markets.filter { keep[$0.key] != nil }
        }
        for (code, narrowing) in local.markets ?? [:] {
            guard let market = markets[code] else { continue }
            markets[code] = try narrowing.apply(to: market, code: code)
        }
        if let keep = local.nonCritical {
            if let extra = keep.first(where: { !nonCritical.contains($0) }) {
                throw PolicyError.widens("non_critical", "class \(extra) is not on the ledger policy's positive list")
            }
            nonCritical = Set(keep)
        }
        critical.formUnion(local.critical)
        nonCritical.subtract(critical)
        animal.formUnion(local.animal)
        // More live-animal classes would make more transformations count as slaughters.
        if let extra = local.liveAnimals.first(where: { !liveAnimals.contains($0) }) {
            throw PolicyError.widens("live_animals", "adding \(extra) would let more transformations count as a slaughter")
        }
        nonHalal.formUnion(local.nonHalal)
        severeNajis.formUnion(local.severeNajis)
        haramNames += local.haramNames.filter { !haramNames.contains($0) }
        if let gain = local.massGainPercent {
            guard let c = DecimalText.compare(gain, massGainPercent), c <= 0 else {
                throw PolicyError.widens("mass_gain_percent", "\(gain) is above the ledger policy's \(massGainPercent)")
            }
            massGainPercent = gain
        }
        narrowedBy = (path, sha256)
    }
}

/// A local policy file: the fields of `policy.set`, all optional, each allowed only to narrow.
public struct LocalPolicy: Sendable {
    public struct MarketNarrowing: Sendable {
        /// Issuers kept (with optionally shorter windows); nil keeps them all.
        public var issuers: [TrustedIssuer]?
        public var certifiedLogistics: Bool?
        public var ethanol: [EthanolLimit]
        public var labTests: [LabTestRequirement]

        func apply(to m: MarketPolicy, code: String) throws(PolicyError) -> MarketPolicy {
            var issuers = m.issuers
            if let keep = self.issuers {
                issuers = []
                for (i, local) in keep.enumerated() {
                    let field = "markets.\(code).issuers[\(i)]"
                    guard let ledger = m.issuers.first(where: { $0.party == local.party }) else {
                        throw PolicyError.widens(field, "\(local.party) is not trusted for \(code) by the ledger policy")
                    }
                    let from = [ledger.from, local.from].compactMap { $0 }.max()
                    let until = [ledger.until, local.until].compactMap { $0 }.min()
                    issuers.append(TrustedIssuer(party: local.party, from: from, until: until, basis: ledger.basis))
                }
            }
            if m.certifiedLogistics && certifiedLogistics == false {
                throw PolicyError.widens("markets.\(code).certified_logistics", "the ledger policy requires certified logistics for \(code)")
            }
            // A lower local limit is an extra limit: the assessment applies the lowest that matches.
            return MarketPolicy(name: m.name, issuers: issuers, certifiedLogistics: m.certifiedLogistics || certifiedLogistics == true,
                                ethanol: m.ethanol + ethanol, labTests: m.labTests + labTests)
        }
    }

    public var markets: [String: MarketNarrowing]?
    public var nonCritical: [String]?
    public var critical: [String] = []
    public var animal: [String] = []
    public var liveAnimals: [String] = []
    public var nonHalal: [String] = []
    public var severeNajis: [String] = []
    public var haramNames: [String] = []
    public var massGainPercent: String?

    /// Parses a local policy document (JSON object); errors name the field.
    public static func parse(_ value: JSONValue) throws(SchemaError) -> LocalPolicy {
        var r = try FieldReader(value, path: "")
        var p = LocalPolicy()
        if var m = try r.optionalObject("markets") {
            var markets: [String: MarketNarrowing] = [:]
            for code in m.keys.sorted() {
                var o = try m.object(code)
                var n = MarketNarrowing(issuers: nil, certifiedLogistics: nil, ethanol: [], labTests: [])
                if o.keys.contains("issuers") {
                    n.issuers = try o.array("issuers", allowEmpty: true) { (v, path) throws(SchemaError) in
                        var i = try FieldReader(v, path: path)
                        return try TrustedIssuer(&i)
                    }
                }
                n.certifiedLogistics = try o.optionalBool("certified_logistics")
                n.ethanol = try o.array("ethanol", allowEmpty: true) { (v, path) throws(SchemaError) in
                    var e = try FieldReader(v, path: path)
                    return try EthanolLimit(&e)
                }
                n.labTests = try o.array("lab_tests", allowEmpty: true) { (v, path) throws(SchemaError) in
                    var t = try FieldReader(v, path: path)
                    return try LabTestRequirement(&t)
                }
                try o.finish()
                markets[code] = n
            }
            try m.finish()
            p.markets = markets
        }
        if r.keys.contains("non_critical") { p.nonCritical = try r.stringList("non_critical") }
        p.critical = try r.stringList("critical")
        p.animal = try r.stringList("animal")
        p.liveAnimals = try r.stringList("live_animals")
        p.nonHalal = try r.stringList("non_halal")
        p.severeNajis = try r.stringList("severe_najis")
        p.haramNames = try r.stringList("haram_names").map { $0.lowercased() }
        p.massGainPercent = try r.optionalDecimal("mass_gain_percent")
        try r.finish()
        return p
    }
}

/// Why a policy cannot be used.
public enum PolicyError: Error, Equatable, CustomStringConvertible {
    /// The ledger holds no `policy.set` event in force at the time asked.
    case noPolicy(at: Timestamp)
    /// The market is not in the policy.
    case unknownMarket(String, known: [String])
    /// A local policy field would widen the ledger's policy.
    case widens(String, String)

    public var description: String {
        switch self {
        case .noPolicy(let t): return "the ledger has no policy.set event in force at \(t); an admin must append one (docs/EVENTS.md)"
        case .unknownMarket(let m, let known): return "market \(m) is not in the policy (markets: \(known.joined(separator: ", ")))"
        case .widens(let field, let why): return "local policy \(field): \(why); a local policy may only narrow the ledger's"
        }
    }
}
