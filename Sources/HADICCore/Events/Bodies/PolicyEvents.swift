/// A certification body a market recognises, optionally only inside a window of time
/// (a recognition agreement that starts or lapses).
public struct TrustedIssuer: Hashable, Sendable {
    public let party: PartyID
    public let from: Timestamp?
    public let until: Timestamp?
    /// Why it is trusted, e.g. "Malaysia–Indonesia halal cooperation MoU".
    public let basis: String?

    public init(party: PartyID, from: Timestamp?, until: Timestamp?, basis: String?) {
        self.party = party
        self.from = from
        self.until = until
        self.basis = basis
    }

    public func covers(_ time: Timestamp) -> Bool {
        (from.map { $0 <= time } ?? true) && (until.map { time <= $0 } ?? true)
    }

    public init(_ r: inout FieldReader) throws(SchemaError) {
        party = try r.party("party")
        from = try r.optionalParsed("from", { Timestamp($0) }, expected: "an RFC 3339 UTC time")
        until = try r.optionalParsed("until", { Timestamp($0) }, expected: "an RFC 3339 UTC time")
        basis = try r.optionalString("basis")
        try r.finish()
        if let from, let until, until < from { throw SchemaError(path: r.childPath("until"), problem: "must not be before from") }
    }
}

/// The highest ethanol content a market accepts in lots of some material classes, in % v/v.
public struct EthanolLimit: Hashable, Sendable {
    public let classes: [String]
    /// Decimal text, compared exactly (``DecimalText``), never through floating point.
    public let maxPercent: String

    public init(classes: [String], maxPercent: String) {
        self.classes = classes
        self.maxPercent = maxPercent
    }

    public init(_ r: inout FieldReader) throws(SchemaError) {
        classes = try r.stringList("classes")
        guard !classes.isEmpty else { throw SchemaError(path: r.childPath("classes"), problem: "must not be empty") }
        maxPercent = try r.decimal("max_percent")
        try r.finish()
    }
}

/// A laboratory result a market requires on lots of some classes (e.g. porcine DNA PCR).
public struct LabTestRequirement: Hashable, Sendable {
    public let test: String
    public let classes: [String]

    public init(test: String, classes: [String]) {
        self.test = test
        self.classes = classes
    }

    public init(_ r: inout FieldReader) throws(SchemaError) {
        test = try r.identifier("test")
        classes = try r.stringList("classes")
        guard !classes.isEmpty else { throw SchemaError(path: r.childPath("classes"), problem: "must not be empty") }
        try r.finish()
    }
}

/// What one target market requires of a halal claim.
public struct MarketPolicy: Hashable, Sendable {
    public let name: String
    public let issuers: [TrustedIssuer]
    /// Carriers and warehouses must hold a halal logistics certificate (MS2400-style).
    public let certifiedLogistics: Bool
    public let ethanol: [EthanolLimit]
    public let labTests: [LabTestRequirement]

    public init(name: String, issuers: [TrustedIssuer], certifiedLogistics: Bool, ethanol: [EthanolLimit], labTests: [LabTestRequirement]) {
        self.name = name
        self.issuers = issuers
        self.certifiedLogistics = certifiedLogistics
        self.ethanol = ethanol
        self.labTests = labTests
    }

    public init(_ r: inout FieldReader) throws(SchemaError) {
        name = try r.string("name")
        issuers = try r.array("issuers", allowEmpty: true) { (v, p) throws(SchemaError) in
            var i = try FieldReader(v, path: p)
            return try TrustedIssuer(&i)
        }
        certifiedLogistics = try r.optionalBool("certified_logistics") ?? false
        ethanol = try r.array("ethanol", allowEmpty: true) { (v, p) throws(SchemaError) in
            var e = try FieldReader(v, path: p)
            return try EthanolLimit(&e)
        }
        labTests = try r.array("lab_tests", allowEmpty: true) { (v, p) throws(SchemaError) in
            var t = try FieldReader(v, path: p)
            return try LabTestRequirement(&t)
        }
        try r.finish()
    }
}

/// `policy.set` (admin): the whole assessment policy, replacing the previous one. Its version
/// is its position among the ledger's `policy.set` events (1, 2, ...), so it cannot be forged
/// or reused; the halal assessment names the version it applied.
public struct PolicySet: Sendable {
    /// Market code (e.g. `MY`, `ID`, `AE`) to what it requires, in code order.
    public let markets: [(code: String, policy: MarketPolicy)]
    /// Material classes that pass the bill-of-materials rule without a certificate.
    public let nonCritical: [String]
    /// Classes that never pass by the positive list (animal derivatives, enzymes, flavours...).
    public let critical: [String]
    /// Classes of animal origin that must trace back to a certified slaughter.
    public let animal: [String]
    /// Classes of live animals: a transformation consuming one is a slaughter.
    public let liveAnimals: [String]
    /// Classes of non-halal goods (segregation), and those that are severe najis (sertu).
    public let nonHalal: [String]
    public let severeNajis: [String]
    /// Words that flag a product name for human review (matched as whole words, any case).
    public let haramNames: [String]
    /// How much a transformation's output may exceed its inputs' mass, in percent (decimal text).
    public let massGainPercent: String
    public let note: String?

    /// Market codes: uppercase ASCII letters, digits and `-`, starting with a letter, 2-16 bytes.
    public static func isMarketCode(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard (2...16).contains(u.count), let first = u.first, (0x41...0x5A).contains(first) else { return false }
        return u.allSatisfy { (0x41...0x5A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }
    }

    public init(_ r: inout FieldReader) throws(SchemaError) {
        var m = try r.object("markets")
        var markets: [(String, MarketPolicy)] = []
        for code in m.keys.sorted() {
            guard PolicySet.isMarketCode(code) else {
                throw SchemaError(path: m.childPath(code), problem: "a market code is 2-16 uppercase letters, digits or '-', like MY or ID")
            }
            var market = try m.object(code)
            markets.append((code, try MarketPolicy(&market)))
        }
        try m.finish()
        guard !markets.isEmpty else { throw SchemaError(path: m.path, problem: "must name at least one market") }
        guard markets.count <= Limits.maxListCount else { throw SchemaError(path: m.path, problem: "more than \(Limits.maxListCount) markets") }
        self.markets = markets
        nonCritical = try r.stringList("non_critical")
        critical = try r.stringList("critical")
        animal = try r.stringList("animal")
        liveAnimals = try r.stringList("live_animals")
        nonHalal = try r.stringList("non_halal")
        severeNajis = try r.stringList("severe_najis")
        haramNames = try r.stringList("haram_names").map { $0.lowercased() }
        massGainPercent = try r.optionalDecimal("mass_gain_percent") ?? "0"
        guard (DecimalText.compare(massGainPercent, "1000") ?? 1) <= 0 else {
            throw SchemaError(path: r.childPath("mass_gain_percent"), problem: "must be at most 1000 (percent)")
        }
        note = try r.optionalString("note")
        let critical = Set(critical)
        if let both = nonCritical.first(where: critical.contains) {
            throw SchemaError(path: r.childPath("non_critical"), problem: "class \(both) is also listed as critical")
        }
    }
}

extension FieldReader {
    /// Decimal text such as `"0.5"`: no sign, no exponent, no leading zeros.
    public mutating func decimal(_ key: String) throws(SchemaError) -> String {
        guard let d = try optionalDecimal(key) else { throw SchemaError(path: childPath(key), problem: "required field is missing") }
        return d
    }

    public mutating func optionalDecimal(_ key: String) throws(SchemaError) -> String? {
        guard let text = try optionalString(key, maxLength: 40) else { return nil }
        guard Quantity.isDecimalText(text) else { throw SchemaError(path: childPath(key), problem: "expected a decimal like \"0.5\"") }
        return text
    }
}
