import HADICCore

/// A parsed EPC URI (TDS 2.x): pure identity (`urn:epc:id:`), class (`urn:epc:class:lgtin:`) or
/// pattern (`urn:epc:idpat:<scheme>:<company prefix>.<reference>.*`).
///
/// Guarantees: ``parse(_:)`` checks the scheme's grammar (company prefix 6...12 digits, the
/// reference's digit count making up the key's length, serial characters and lengths) and keeps
/// the parts; ``digitalLink()`` builds the canonical Digital Link URI, check digit computed.
struct EPCURN {
    enum Kind: String { case id, `class`, idpat }

    let original: String
    let kind: Kind
    let scheme: String
    /// The dot-separated fields after `scheme:`.
    let fields: [Substring]

    /// Schemes without a GS1 key: well-formed enough to be kept, but without a Digital Link form.
    static let schemesWithoutGS1Key: Set<String> = ["gid", "usdod", "adi", "bic", "imovn"]
    static let idSchemes: Set<String> = ["sgtin", "sscc", "sgln", "grai", "giai", "gsrn", "gsrnp", "gdti", "cpi", "sgcn",
                                         "ginc", "gsin", "itip", "upui", "pgln"]
    static let patternSchemes: Set<String> = ["sgtin", "grai", "gdti", "sgcn", "cpi", "itip", "upui"]

    static func parse(_ urn: String) throws(EPCISIdentifierError) -> EPCURN {
        let parts = urn.split(separator: ":", maxSplits: 4, omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == "urn", parts[1] == "epc", let kind = Kind(rawValue: String(parts[2])) else {
            throw .unknownEPCScheme(urn)
        }
        let scheme = String(parts[3])
        switch kind {
        case .id:
            if schemesWithoutGS1Key.contains(scheme) {
                guard !parts[4].isEmpty, parts[4].utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else {
                    throw .malformedEPC(urn, rule: "empty or with spaces")
                }
                return EPCURN(original: urn, kind: kind, scheme: scheme, fields: [])
            }
            guard idSchemes.contains(scheme) else { throw .unknownEPCScheme(urn) }
        case .class:
            guard scheme == "lgtin" else { throw .unknownEPCScheme(urn) }
        case .idpat:
            guard patternSchemes.contains(scheme) else { throw .unknownEPCScheme(urn) }
        }
        let epc = EPCURN(original: urn, kind: kind, scheme: scheme,
                         fields: parts[4].split(separator: ".", omittingEmptySubsequences: false))
        _ = try epc.digitalLink()  // the grammar check is the conversion
        return epc
    }

    /// The canonical GS1 Digital Link URI; throws for schemes without a GS1 key.
    func digitalLink() throws(EPCISIdentifierError) -> String {
        if EPCURN.schemesWithoutGS1Key.contains(scheme) { throw .noCounterpart(original, target: "GS1 Digital Link") }
        let base = "https://id.gs1.org/"
        let f = fields
        guard f.count >= 2 else { throw fail("expected company prefix and reference separated by '.'") }
        let cp = String(f[0])
        guard GS1KeyText.isDigits(cp, count: 6...12) else { throw fail("GS1 Company Prefix must be 6 to 12 digits") }
        let pattern = kind == .idpat
        if pattern {
            guard f.last == "*" else { throw fail("a pattern URI ends in '.*'") }
        }

        /// The reference after the company prefix: `digits` long in total with the prefix.
        func reference(_ index: Int, total: Int, what: String) throws(EPCISIdentifierError) -> Substring {
            guard index < f.count else { throw fail("missing \(what)") }
            let r = f[index]
            guard GS1KeyText.isDigits(r, count: (total - cp.count)...(total - cp.count)) else {
                throw fail("\(what) must be \(total - cp.count) digits with a \(cp.count)-digit company prefix")
            }
            return r
        }
        /// An alphanumeric serial, at most `max` characters once decoded.
        func serial(_ index: Int, max: Int, what: String, digitsOnly: Bool = false) throws(EPCISIdentifierError) -> String {
            guard index == f.count - 1 else { throw fail(index < f.count ? "too many '.'-separated fields" : "missing \(what)") }
            guard let raw = GS1KeyText.decode(f[index]), !raw.isEmpty, raw.count <= max else {
                throw fail("\(what) must be 1 to \(max) characters of GS1 character set 82")
            }
            if digitsOnly, !raw.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { throw fail("\(what) must be digits") }
            return GS1KeyText.digitalLinkEncode(raw)
        }
        func expectCount(_ n: Int) throws(EPCISIdentifierError) {
            guard f.count == n else { throw fail("expected \(n) '.'-separated fields") }
        }
        func check(_ digits: String) -> String { digits + String(GS1CheckDigit.compute(digits) ?? "0") }

        switch scheme {
        case "sgtin", "upui", "lgtin":
            let item = try reference(1, total: 13, what: "indicator and item reference")
            let gtin = check(String(item.prefix(1)) + cp + item.dropFirst())
            if pattern { try expectCount(3); return base + "01/" + gtin }
            let (ai, max, what) = scheme == "sgtin" ? ("21", 20, "serial") : scheme == "upui" ? ("235", 28, "TPX") : ("10", 20, "lot")
            return base + "01/" + gtin + "/" + ai + "/" + (try serial(2, max: max, what: what))
        case "itip":
            let item = try reference(1, total: 13, what: "indicator and item reference")
            guard f.count >= 4, GS1KeyText.isDigits(f[2], count: 2...2), GS1KeyText.isDigits(f[3], count: 2...2) else {
                throw fail("piece and total must be two digits each")
            }
            let key = check(String(item.prefix(1)) + cp + item.dropFirst()) + f[2] + f[3]
            if pattern { try expectCount(5); return base + "8006/" + key }
            return base + "8006/" + key + "/21/" + (try serial(4, max: 20, what: "serial"))
        case "sscc":
            try expectCount(2)
            let ref = try reference(1, total: 17, what: "extension digit and serial reference")
            return base + "00/" + check(String(ref.prefix(1)) + cp + ref.dropFirst())
        case "sgln":
            let loc = try reference(1, total: 12, what: "location reference")
            let gln = check(cp + loc)
            let ext = try serial(2, max: 20, what: "extension")
            return ext == "0" ? base + "414/" + gln : base + "414/" + gln + "/254/" + ext
        case "pgln":
            try expectCount(2)
            return base + "417/" + check(cp + (try reference(1, total: 12, what: "party reference")))
        case "grai":
            let asset = try reference(1, total: 12, what: "asset type")
            let key = check("0" + cp + asset)
            if pattern { try expectCount(3); return base + "8003/" + key }
            return base + "8003/" + key + (try serial(2, max: 16, what: "serial"))
        case "gdti", "sgcn":
            let doc = try reference(1, total: 12, what: scheme == "gdti" ? "document type" : "coupon reference")
            let key = check(cp + doc)
            let ai = scheme == "gdti" ? "253/" : "255/"
            if pattern { try expectCount(3); return base + ai + key }
            return base + ai + key + (try serial(2, max: scheme == "gdti" ? 17 : 12, what: "serial", digitsOnly: scheme == "sgcn"))
        case "giai", "ginc":
            // The reference may itself contain '.', so everything after the prefix is the reference.
            let rest = f.dropFirst().joined(separator: ".")
            guard let raw = GS1KeyText.decode(rest), !raw.isEmpty, cp.count + raw.count <= 30 else {
                throw fail("reference must make at most 30 characters of GS1 character set 82 with the prefix")
            }
            return base + (scheme == "giai" ? "8004/" : "401/") + cp + GS1KeyText.digitalLinkEncode(raw)
        case "gsrn", "gsrnp":
            try expectCount(2)
            return base + (scheme == "gsrn" ? "8018/" : "8017/") + check(cp + (try reference(1, total: 17, what: "service reference")))
        case "gsin":
            try expectCount(2)
            return base + "402/" + check(cp + (try reference(1, total: 16, what: "shipper reference")))
        case "cpi":
            guard f.count == 3 else { throw fail("expected company prefix, component/part reference and serial") }
            guard let raw = GS1KeyText.decode(f[1]), !raw.isEmpty || pattern, cp.count + raw.count <= 30 else {
                throw fail("component/part reference must make at most 30 characters with the prefix")
            }
            let key = cp + GS1KeyText.digitalLinkEncode(raw)
            if pattern { return base + "8010/" + key }
            guard GS1KeyText.isDigits(f[2], count: 1...12) else { throw fail("CPI serial must be 1 to 12 digits") }
            return base + "8010/" + key + "/8011/" + f[2]
        default:
            throw .unknownEPCScheme(original)
        }
    }

    private func fail(_ rule: String) -> EPCISIdentifierError { .malformedEPC(original, rule: rule) }
}
