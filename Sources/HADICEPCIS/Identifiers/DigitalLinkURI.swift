import HADICCore

/// A parsed GS1 Digital Link URI (GS1 Digital Link: URI Syntax 1.2) on any host: the primary
/// key and its key qualifiers from the path; query string and fragment are not kept.
///
/// Guarantees: ``parse(_:)`` returns nil for a URI that carries no GS1 primary key in its path
/// (it is not a Digital Link URI); on host `id.gs1.org` it throws for one whose key has the
/// wrong length, a wrong check digit, or a qualifier the key does not take, and on other hosts
/// such a URI is not taken for a Digital Link (nil). Short names (`gtin`,
/// `lot`, `ser`, ...) are read as their numeric AIs; GTIN-8/12/13 are padded to 14 digits.
struct DigitalLinkURI {
    let original: String
    /// The primary key's AI (`01`, `00`, `414`, ...) and its value, GS1-encoded (decoded bytes).
    let key: (ai: String, value: [UInt8])
    /// The qualifiers present, by AI.
    let qualifiers: [String: [UInt8]]

    /// Primary-key AIs and short names, and the qualifiers each may have (in their fixed order).
    static let primaryKeys: [String: [String]] = [
        "01": ["22", "10", "21", "235"], "00": [], "414": ["254"], "417": [], "8003": [], "8004": [],
        "8006": ["22", "10", "21"], "8010": ["8011"], "8017": [], "8018": [], "253": [], "255": [],
        "401": [], "402": [],
    ]
    static let shortNames: [String: String] = [
        "gtin": "01", "sscc": "00", "gln": "414", "party": "417", "grai": "8003", "giai": "8004", "itip": "8006",
        "cpid": "8010", "gsrnp": "8017", "gsrn": "8018", "gdti": "253", "gcn": "255", "ginc": "401", "gsin": "402",
        "cpv": "22", "lot": "10", "ser": "21", "glnx": "254", "cpsn": "8011",
    ]

    static func parse(_ uri: String) throws(EPCISIdentifierError) -> DigitalLinkURI? {
        do throws(EPCISIdentifierError) {
            return try parseStrictly(uri)
        } catch {
            // On GS1's own resolver a key-shaped path is a Digital Link and must be right; on
            // other hosts a path such as /reports/2024/01/15 merely looks like one, and such a
            // URI is kept as an ordinary URI rather than refused.
            let host = uri.lowercased().split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
            guard host.count > 2, host[2] == "id.gs1.org" else { return nil }
            throw error
        }
    }

    private static func parseStrictly(_ uri: String) throws(EPCISIdentifierError) -> DigitalLinkURI? {
        let lower = uri.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://") else { return nil }
        let afterScheme = uri[uri.index(uri.startIndex, offsetBy: lower.hasPrefix("https://") ? 8 : 7)...]
        let withoutFragment = afterScheme.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
        let withoutQuery = withoutFragment.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
        var segments = withoutQuery.split(separator: "/", omittingEmptySubsequences: false).dropFirst()  // the host
        if segments.last == "" { segments = segments.dropLast() }
        let path = segments.map { shortNames[String($0)] ?? String($0) }
        // The primary key is the first segment naming one that is followed by a value, after
        // which the rest of the path must be qualifier/value pairs.
        guard let start = path.indices.first(where: { i in
            primaryKeys[path[i]] != nil && i + 1 < path.count && (path.count - i) % 2 == 0
        }) else { return nil }
        let fail = { (rule: String) in EPCISIdentifierError.malformedDigitalLink(uri, rule: rule) }
        let ai = path[start]
        guard let value = GS1KeyText.decode(path[start + 1]), !value.isEmpty else {
            throw fail("key value must be GS1 character set 82")
        }
        var key = value
        try validate(ai: ai, value: &key, fail: fail)
        var qualifiers: [String: [UInt8]] = [:]
        let allowed = primaryKeys[ai] ?? []
        var lastPosition = -1
        var i = start + 2
        while i < path.count {
            let q = path[i]
            guard let position = allowed.firstIndex(of: q) else { throw fail("AI \(q) is not a qualifier of AI \(ai)") }
            guard position > lastPosition else { throw fail("qualifier AI \(q) is out of order or repeated") }
            lastPosition = position
            guard let qv = GS1KeyText.decode(path[i + 1]), !qv.isEmpty, qv.count <= 28 else {
                throw fail("value of AI \(q) must be 1 to 28 characters of GS1 character set 82")
            }
            qualifiers[q] = qv
            i += 2
        }
        return DigitalLinkURI(original: uri, key: (ai, key), qualifiers: qualifiers)
    }

    /// Checks the key's length and check digit; pads GTINs to 14 digits.
    private static func validate(ai: String, value: inout [UInt8], fail: (String) -> EPCISIdentifierError) throws(EPCISIdentifierError) {
        let text = String(decoding: value, as: UTF8.self)
        let digits = value.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        func fixed(_ n: Int) throws(EPCISIdentifierError) {
            guard digits, value.count == n else { throw fail("AI \(ai) must be \(n) digits") }
            guard GS1CheckDigit.isValid(text) else { throw fail("check digit of \(text) is wrong") }
        }
        func keyThenSerial(_ n: Int, max: Int) throws(EPCISIdentifierError) {
            let head = String(decoding: value.prefix(n), as: UTF8.self)
            guard value.count >= n, value.count <= n + max, GS1KeyText.isDigits(head, count: n...n) else {
                throw fail("AI \(ai) must be \(n) digits and up to \(max) more characters")
            }
            guard GS1CheckDigit.isValid(head) else { throw fail("check digit of \(head) is wrong") }
        }
        switch ai {
        case "01":
            guard digits, [8, 12, 13, 14].contains(value.count) else { throw fail("GTIN must be 8, 12, 13 or 14 digits") }
            value = Array(repeating: UInt8(ascii: "0"), count: 14 - value.count) + value
            try fixed(14)
        case "00", "8017", "8018": try fixed(18)
        case "414", "417": try fixed(13)
        case "402": try fixed(17)
        case "8006":
            guard digits, value.count == 18, GS1CheckDigit.isValid(String(decoding: value.prefix(14), as: UTF8.self)) else {
                throw fail("ITIP must be a GTIN-14 with a right check digit and four digits")
            }
        case "253": try keyThenSerial(13, max: 17)
        case "255": try keyThenSerial(13, max: 12)
        case "8003": try keyThenSerial(14, max: 16)
        default:  // 8004, 8010, 401: alphanumeric, at most 30
            guard value.count <= 30 else { throw fail("AI \(ai) is at most 30 characters") }
        }
    }

    /// The constrained canonical form (CBV 2.0 section 8.9 rule 18): `https://id.gs1.org`, the
    /// primary key, and only the finest qualifier level (`01` with `21`, else `235`, else `10`;
    /// `8006` with `21`, else `10`; `414` with `254`; `8010` with `8011`); `22` (CPV) is dropped.
    var constrainedCanonical: String {
        var out = "https://id.gs1.org/" + key.ai + "/" + GS1KeyText.digitalLinkEncode(key.value)
        let finest: [String]
        switch key.ai {
        case "01": finest = ["21", "235", "10"]
        case "8006": finest = ["21", "10"]
        case "414": finest = ["254"]
        case "8010": finest = ["8011"]
        default: finest = []
        }
        if let q = finest.first(where: { qualifiers[$0] != nil }), let v = qualifiers[q] {
            out += "/" + q + "/" + GS1KeyText.digitalLinkEncode(v)
        }
        return out
    }

    /// The EPC URN of a GTIN + serial (SGTIN), GTIN + lot (LGTIN class) or SSCC.
    func epcURN(companyPrefixLength l: Int, original: String) throws(EPCISIdentifierError) -> String {
        guard (6...12).contains(l) else {
            throw .malformedDigitalLink(original, rule: "GS1 Company Prefix length must be 6 to 12")
        }
        let v = String(decoding: key.value, as: UTF8.self)
        let digits = Array(v)
        switch key.ai {
        case "01":
            // GTIN-14: indicator, company prefix, item reference, check digit.
            let cp = String(digits[1...l])
            let item = String(digits[0]) + String(digits[(l + 1)..<13])
            if let serial = qualifiers["21"] {
                return "urn:epc:id:sgtin:\(cp).\(item).\(GS1KeyText.epcEncode(serial))"
            }
            if let lot = qualifiers["10"] {
                return "urn:epc:class:lgtin:\(cp).\(item).\(GS1KeyText.epcEncode(lot))"
            }
            throw .noCounterpart(original, target: "SGTIN or LGTIN (needs a serial or lot)")
        case "00":
            let cp = String(digits[1...l])
            let ref = String(digits[0]) + String(digits[(l + 1)..<17])
            return "urn:epc:id:sscc:\(cp).\(ref)"
        default:
            throw .noCounterpart(original, target: "SGTIN, LGTIN or SSCC URN")
        }
    }
}
