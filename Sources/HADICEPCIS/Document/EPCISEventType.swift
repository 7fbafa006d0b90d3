/// The five EPCIS 2.0 event types, named as the JSON-LD `type` member spells them.
public enum EPCISEventType: String, CaseIterable, Sendable {
    case objectEvent = "ObjectEvent"
    case aggregationEvent = "AggregationEvent"
    case transactionEvent = "TransactionEvent"
    case transformationEvent = "TransformationEvent"
    case associationEvent = "AssociationEvent"

    /// Whether the standard requires `action` on this type (all but TransformationEvent).
    public var hasAction: Bool { self != .transformationEvent }

    /// The standard members this type may carry beyond the ones every event has
    /// (EPCIS 2.0 section 7.4): anything else must be a prefixed extension.
    var ownFields: Set<String> {
        switch self {
        case .objectEvent: return ["epcList", "quantityList", "action", "ilmd"]
        case .aggregationEvent, .associationEvent: return ["parentID", "childEPCs", "childQuantityList", "action"]
        case .transactionEvent: return ["parentID", "epcList", "quantityList", "action"]
        case .transformationEvent:
            return ["inputEPCList", "inputQuantityList", "outputEPCList", "outputQuantityList", "transformationID", "ilmd"]
        }
    }

    /// The members every event type may carry (EPCIS 2.0 section 7.4.1 and the JSON-LD binding).
    static let commonFields: Set<String> = [
        "type", "@context", "eventID", "eventTime", "eventTimeZoneOffset", "recordTime", "certificationInfo",
        "errorDeclaration", "bizStep", "disposition", "persistentDisposition", "readPoint", "bizLocation",
        "bizTransactionList", "sourceList", "destinationList", "sensorElementList",
    ]
}
