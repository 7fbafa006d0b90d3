/// The `epcis` member of an event body: the GS1 EPCIS 2.0 event the HADIC event was imported
/// from, kept unchanged and signed with it (docs/EVENTS.md, "The epcis member").
///
/// Guarantees once parsed: `event` is a JSON object carrying an EPCIS `type`; `namespaces` maps
/// each JSON-LD prefix the event uses to its IRI (both non-empty text); `hash` is a well-formed
/// hash URI. That `hash` is the GS1 CBV 2.0 hash of `event` under `namespaces` is checked by the
/// admission rule `epcis-hash`, whose code lives with the EPCIS hasher (HADICLedger), not here.
public struct EPCISCapture: Sendable {
    public let event: JSONValue
    public let namespaces: [String: String]
    public let hash: EPCISHashURI

    public init(event: JSONValue, namespaces: [String: String], hash: EPCISHashURI) {
        self.event = event
        self.namespaces = namespaces
        self.hash = hash
    }

    /// Whether the kept event declares an error (`errorDeclaration`): only `event.declare-error` may carry one.
    public var declaresError: Bool { event["errorDeclaration"] != nil }

    /// The JSON of the member, as a body writes it.
    public var json: JSONValue {
        .object(["event": event, "namespaces": .object(namespaces.mapValues { .string($0) }), "hash": .string(hash.text)])
    }

    init(_ r: inout FieldReader) throws(SchemaError) {
        let event = try r.value("event")
        guard case .object = event, event["type"]?.stringValue != nil else {
            throw SchemaError(path: r.childPath("event"), problem: "expected an EPCIS event object with a \"type\"")
        }
        var namespaces: [String: String] = [:]
        if var ns = try r.optionalObject("namespaces") {
            for prefix in ns.keys.sorted() {
                guard !prefix.isEmpty, prefix.utf8.count <= Limits.maxIdentifierBytes else {
                    throw SchemaError(path: ns.childPath(prefix), problem: "a prefix must be 1-\(Limits.maxIdentifierBytes) bytes")
                }
                namespaces[prefix] = try ns.string(prefix, maxLength: Limits.maxIdentifierBytes)
            }
            try ns.finish()
        }
        let hash = try r.parsed("hash", { EPCISHashURI($0) }, expected: "an event hash URI ni:///sha-256;<64 hex>?ver=CBV2.0")
        self.init(event: event, namespaces: namespaces, hash: hash)
    }
}

extension FieldReader {
    /// The optional `epcis` member. Looked up without being recorded when absent, so an event
    /// without one (nearly all of them) pays one dictionary probe and nothing else.
    mutating func optionalEPCIS() throws(SchemaError) -> EPCISCapture? {
        guard hasField("epcis") else { return nil }
        var r = try object("epcis")
        let capture = try EPCISCapture(&r)
        try r.finish()
        return capture
    }
}
