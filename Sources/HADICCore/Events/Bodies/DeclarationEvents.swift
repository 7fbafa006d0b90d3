/// `event.declare-error`: an EPCIS error declaration (EPCIS 2.0 7.4.1.2) imported into HADIC:
/// the event whose GS1 event hash is `declared` did not occur as recorded.
///
/// It changes no holding, lot or shipment (the ledger is append-only and admission state is
/// what the events say happened); the halal assessment refuses to rest on a declared event
/// (R-NONCONFORM, docs/ASSESSMENT.md). The EPCIS declaration itself is kept in `epcis`, whose
/// hash equals the declared event's: the hash leaves `errorDeclaration` out.
public struct EventDeclareError: Sendable {
    /// The GS1 event hash of the declared event.
    public let declared: EPCISHashURI
    /// The HADIC event that carries that hash.
    public let event: EventID
    /// The declaration's `declarationTime`, in UTC.
    public let declaredAt: Timestamp
    /// The CBV error reason (`https://ref.gs1.org/cbv/ER-incorrect_data`), if given.
    public let reason: String?
    /// The declaration's `correctiveEventIDs`, as written (event hash URIs or other event ids).
    public let corrective: [String]

    init(_ r: inout FieldReader) throws(SchemaError) {
        declared = try r.parsed("declared", { EPCISHashURI($0) }, expected: "an event hash URI ni:///sha-256;<64 hex>?ver=CBV2.0")
        event = try r.eventID("event")
        declaredAt = try r.time("declared_at")
        reason = try r.optionalIdentifier("reason")
        corrective = try r.stringList("corrective")
    }
}
