/// Identifiers as the EPCIS event hash normalises them (CBV 2.0 section 8.9, rules 14 to 18),
/// and the conversions between EPC URIs and GS1 Digital Link URIs.
///
/// Guarantees: conversions compute check digits from the digits given (never copy one), keep
/// serials and lots byte for byte apart from the percent-encoding the target syntax requires,
/// and throw an ``EPCISIdentifierError`` naming the rule broken rather than guess.
public enum EPCISIdentifier {
    /// The form the event hash uses for any identifier-like value:
    /// - an EPC URI (`urn:epc:id:`), EPC class URI (`urn:epc:class:lgtin:`) or EPC pattern URI
    ///   (`urn:epc:idpat:<scheme>:<...>.*`) of a scheme with a GS1 key -> its canonical GS1
    ///   Digital Link URI on `https://id.gs1.org`;
    /// - a GS1 Digital Link URI on any host -> the constrained canonical form (host
    ///   `id.gs1.org`, no query string, only the finest key/qualifier level);
    /// - a `urn:epcglobal:cbv:` URN -> its `https://ref.gs1.org/cbv/` web URI;
    /// - a CURIE whose prefix `namespaces` declares -> the full URI;
    /// - anything else unchanged. Surrounding whitespace is removed first.
    public static func normalised(_ value: String, namespaces: [String: String] = EPCISNamespaces.standard) -> String {
        let trimmed = trimmed(value)
        if trimmed.hasPrefix("urn:epc:"), let dl = try? digitalLink(fromEPC: trimmed) { return dl }
        if let dl = try? constrainedDigitalLink(trimmed) { return dl }
        return expandedURI(trimmed, namespaces: namespaces)
    }

    /// `value` with `urn:epcglobal:cbv:` URNs replaced by their web URIs and a CURIE whose
    /// prefix `namespaces` declares expanded; otherwise unchanged.
    public static func expandedURI(_ value: String, namespaces: [String: String] = EPCISNamespaces.standard) -> String {
        for (urn, web) in CBVVocabulary.urnPrefixes where value.hasPrefix(urn) {
            return web + value.dropFirst(urn.count)
        }
        if let colon = value.firstIndex(of: ":") {
            let prefix = String(value[..<colon])
            let rest = value[value.index(after: colon)...]
            if !rest.hasPrefix("//"), let iri = namespaces[prefix] { return iri + rest }
        }
        return value
    }

    /// The canonical GS1 Digital Link URI of an EPC URI, EPC class URI or EPC pattern URI.
    public static func digitalLink(fromEPC urn: String) throws(EPCISIdentifierError) -> String {
        try EPCURN.parse(urn).digitalLink()
    }

    /// The constrained canonical form of a GS1 Digital Link URI (any host); nil when `uri` is not
    /// a Digital Link URI at all; throws when it is one but its key or qualifiers are malformed.
    public static func constrainedDigitalLink(_ uri: String) throws(EPCISIdentifierError) -> String? {
        try DigitalLinkURI.parse(uri)?.constrainedCanonical
    }

    /// The EPC URN of a Digital Link URI with a GTIN and serial (`urn:epc:id:sgtin:`), a GTIN and
    /// lot (`urn:epc:class:lgtin:`) or an SSCC (`urn:epc:id:sscc:`). The GS1 Company Prefix's
    /// length (6...12 digits) cannot be read from the key, so the caller gives it.
    public static func epcURN(fromDigitalLink uri: String, companyPrefixLength: Int) throws(EPCISIdentifierError) -> String {
        guard let link = try DigitalLinkURI.parse(uri) else {
            throw .malformedDigitalLink(uri, rule: "not a GS1 Digital Link URI")
        }
        return try link.epcURN(companyPrefixLength: companyPrefixLength, original: uri)
    }

    /// Throws unless `value` is a usable identifier: an absolute URI (`scheme:rest`, no spaces
    /// or control characters); when it is a `urn:epc:` URI, a well-formed one of a known scheme;
    /// when it is a GS1 Digital Link URI, one with a well-formed key.
    public static func validate(_ value: String) throws(EPCISIdentifierError) {
        guard isAbsoluteURI(value) else { throw .notAURI(value) }
        if value.hasPrefix("urn:epc:") {
            _ = try EPCURN.parse(value)
        } else {
            _ = try DigitalLinkURI.parse(value)
        }
    }

    /// Whether `value` is `scheme:rest` with an RFC 3986 scheme and no space or control
    /// character anywhere.
    public static func isAbsoluteURI(_ value: String) -> Bool {
        let b = Array(value.utf8)
        guard let colon = b.firstIndex(of: UInt8(ascii: ":")), colon > 0, colon < b.count - 1 else { return false }
        guard isAlpha(b[0]), b[1..<colon].allSatisfy({ isAlpha($0) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E })
        else { return false }
        return b.allSatisfy { $0 > 0x20 && $0 != 0x7F }
    }

    static func trimmed(_ s: String) -> String {
        var scalars = Substring(s).unicodeScalars
        while let f = scalars.first, f.properties.isWhitespace { scalars.removeFirst() }
        while let l = scalars.last, l.properties.isWhitespace { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }

    private static func isAlpha(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) }
}
