import HADICCore

/// JSON-LD prefixes: the ones the EPCIS 2.0 standard context defines, and reading the ones a
/// document's `@context` adds.
public enum EPCISNamespaces {
    /// The prefixes of the EPCIS 2.0 JSON-LD context (`https://ref.gs1.org/standards/epcis/
    /// epcis-context.jsonld`), which every EPCIS 2.0 document references.
    public static let standard: [String: String] = [
        "epcis": "https://ref.gs1.org/epcis/",
        "cbv": "https://ref.gs1.org/cbv/",
        "cbvmda": "urn:epcglobal:cbv:mda:",
        "gs1": "https://gs1.org/voc/",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "owl": "http://www.w3.org/2002/07/owl#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "dcterms": "http://purl.org/dc/terms/",
    ]

    /// ``standard`` overlaid with the prefix definitions of `context` (a JSON-LD `@context`: a
    /// string, an object, or an array of both). A term whose value is an IRI (a string that is
    /// not a JSON-LD keyword), or an object with such an `@id`, is taken as a prefix, as the
    /// extension names of EPCIS documents use them (`"example": "https://ns.example.com/epcis/"`);
    /// other terms are ignored. Returns nil when `context` has another shape.
    public static func collect(_ context: JSONValue?, over base: [String: String] = standard) -> [String: String]? {
        var result = base
        guard let context else { return result }
        func add(_ object: [String: JSONValue]) {
            for (term, definition) in object where !term.hasPrefix("@") {
                let iri: String?
                switch definition {
                case .string(let s): iri = s
                case .object(let o): iri = o["@id"]?.stringValue
                default: iri = nil
                }
                if let iri, !iri.hasPrefix("@"), iri.contains(":") { result[term] = iri }
            }
        }
        switch context {
        case .string: return result
        case .object(let o): add(o)
        case .array(let items):
            for item in items {
                switch item {
                case .string: continue
                case .object(let o): add(o)
                default: return nil
                }
            }
        default: return nil
        }
        return result
    }
}
