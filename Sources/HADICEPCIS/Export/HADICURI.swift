import HADICCore

/// The URI forms HADIC gives its own identifiers in EPCIS documents (docs/EPCIS.md, "Export").
///
/// Guarantees: every form is an absolute URI (`urn:hadic:KIND:VALUE`) and reads back to exactly
/// the identifier it was made from, so an exported document can be imported without a lookup
/// table. GS1 lot ids (EPC URNs and Digital Link URIs) are written unchanged: they already are
/// EPCIS identifiers. VALUE is percent-encoded except for the bytes RFC 3986 lets a URN's
/// specific string carry unescaped (unreserved characters and `/`), so a value holding `:`, `%`,
/// spaces or non-ASCII text still makes one URI with one spelling.
public enum HADICURI {
    /// The JSON-LD prefix HADIC's extension members use (`hadic:eventID`, ...), unless a document
    /// binds it to another namespace (then ``EPCISExporter`` picks `hadic1`, `hadic2`, ...).
    public static let prefix = "hadic"
    /// The IRI that prefix stands for; declared in every exported document's `@context`.
    public static let namespace = "urn:hadic:epcis:"

    /// The kinds of HADIC identifier with a URI form.
    public enum Kind: String, CaseIterable, Sendable {
        /// a party id (`sourceList`, `destinationList`, extension members naming a party)
        case party
        /// a `PARTY/LOCAL` lot id
        case lot
        /// a facility or storage place (`bizLocation`)
        case location
        /// a container, vehicle or line (`lot.cleanse`, `custody.ship`'s vehicle)
        case asset
        /// a certificate, as `ISSUER:NUMBER` (`certificationInfo`)
        case certificate = "cert"
    }

    /// `urn:hadic:KIND:VALUE`, VALUE percent-encoded.
    public static func uri(_ kind: Kind, _ value: String) -> String {
        "urn:hadic:\(kind.rawValue):\(percentEncoded(value))"
    }

    public static func party(_ party: PartyID) -> String { uri(.party, party.rawValue) }

    /// A lot id as an EPCIS identifier: GS1 forms unchanged, `PARTY/LOCAL` as `urn:hadic:lot:PARTY/LOCAL`.
    public static func lot(_ lot: LotID) -> String {
        switch lot.form {
        case .epcURN, .digitalLink: return lot.rawValue
        case .local: return uri(.lot, lot.rawValue)
        }
    }

    /// A certificate: its issuer and number (numbers are unique per issuer, docs/EVENTS.md).
    public static func certificate(issuer: PartyID, number: String) -> String {
        "urn:hadic:\(Kind.certificate.rawValue):\(issuer.rawValue):\(percentEncoded(number))"
    }

    /// The value of a `urn:hadic:KIND:` URI, decoded; nil when `uri` is not of that kind or
    /// its escapes are malformed.
    public static func value(of uri: String, kind: Kind) -> String? {
        let head = "urn:hadic:\(kind.rawValue):"
        guard uri.hasPrefix(head) else { return nil }
        return percentDecoded(String(uri.dropFirst(head.count)))
    }

    /// The party a `urn:hadic:party:` URI names.
    public static func partyID(from uri: String) -> PartyID? { value(of: uri, kind: .party).flatMap(PartyID.init) }

    /// The lot an EPCIS identifier names: a GS1 lot id as is, or a `urn:hadic:lot:` URI.
    public static func lotID(from uri: String) -> LotID? {
        if let local = value(of: uri, kind: .lot) {
            guard let id = LotID(local), case .local = id.form else { return nil }
            return id
        }
        // A bare `PARTY/LOCAL` text is no URI: only the `urn:hadic:lot:` form names a local lot.
        guard let id = LotID(uri) else { return nil }
        if case .local = id.form { return nil }
        return id
    }

    /// Whether a lot is written as one instance (`epcList`, `childEPCs`, `parentID`): SGTIN and
    /// SSCC URNs and Digital Links with AI 21 or 00. Lots (LGTIN, AI 10) and `PARTY/LOCAL` lots
    /// are classes with a quantity (`quantityList`).
    public static func isInstance(_ lot: LotID) -> Bool {
        switch lot.form {
        case .epcURN: return lot.rawValue.hasPrefix("urn:epc:id:")
        case .digitalLink: return lot.rawValue.contains("/21/") || lot.rawValue.contains("/00/")
        case .local: return false
        }
    }

    private static func isUnescaped(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
            || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "~")
            || b == UInt8(ascii: "/")
    }

    static func percentEncoded(_ value: String) -> String {
        PercentEncoding.encode(value.utf8) { !isUnescaped($0) }
    }

    /// The bytes of `text` with `%XX` escapes undone; nil on a malformed escape, on any other
    /// spelling than the one ``percentEncoded(_:)`` writes (one value, one URI), or on invalid UTF-8.
    static func percentDecoded(_ text: String) -> String? {
        guard let bytes = PercentEncoding.decode(text), let value = String(validating: bytes, as: UTF8.self),
              percentEncoded(value) == text else { return nil }
        return value
    }
}
