/// Why a text is not accepted as an EPCIS identifier (EPC URI, EPC class or pattern URI, GS1
/// Digital Link URI, or absolute URI).
///
/// Guarantees: every case carries the offending text; `description` names the rule broken.
public enum EPCISIdentifierError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not an absolute URI (`scheme:rest`, no spaces or control characters).
    case notAURI(String)
    /// A `urn:epc:` URI whose scheme HADIC does not know (e.g. `urn:epc:id:foo:...`).
    case unknownEPCScheme(String)
    /// An EPC URI of a known scheme whose parts break that scheme's grammar; `rule` says which.
    case malformedEPC(String, rule: String)
    /// A GS1 Digital Link URI whose primary key or qualifiers are malformed; `rule` says which.
    case malformedDigitalLink(String, rule: String)
    /// A conversion was asked for that the identifier has no counterpart in (e.g. a Digital
    /// Link with key 8004 has no SGTIN URN).
    case noCounterpart(String, target: String)

    public var description: String {
        switch self {
        case .notAURI(let s): return "\"\(s)\" is not an absolute URI"
        case .unknownEPCScheme(let s): return "\"\(s)\" uses an unknown EPC scheme"
        case .malformedEPC(let s, let rule): return "malformed EPC \"\(s)\": \(rule)"
        case .malformedDigitalLink(let s, let rule): return "malformed GS1 Digital Link URI \"\(s)\": \(rule)"
        case .noCounterpart(let s, let target): return "\"\(s)\" has no \(target) form"
        }
    }
}
