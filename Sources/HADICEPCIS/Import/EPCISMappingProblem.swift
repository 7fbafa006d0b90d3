/// Why one event of an EPCIS document was not imported: the event's index in the event list,
/// its `eventID` when it has one, the field (a path inside the event) and the reason. Refusals
/// by HADIC's admission rules name the rule as the field's reason (`rule custody: …`).
public struct EPCISMappingProblem: Error, Equatable, Sendable, CustomStringConvertible {
    public let index: Int
    public let eventID: String?
    public let field: String
    public let reason: String

    public init(index: Int, eventID: String?, field: String, reason: String) {
        self.index = index
        self.eventID = eventID
        self.field = field
        self.reason = reason
    }

    public var description: String {
        "EPCIS event \(index)" + (eventID.map { " (\($0))" } ?? "") + " field \(field): \(reason)"
    }
}
