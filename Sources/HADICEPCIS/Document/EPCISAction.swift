/// The `action` of an Object, Aggregation, Transaction or Association event (EPCIS 2.0 7.3.2).
public enum EPCISAction: String, CaseIterable, Sendable {
    case add = "ADD"
    case observe = "OBSERVE"
    case delete = "DELETE"
}
