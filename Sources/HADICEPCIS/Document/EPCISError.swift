import HADICCore

/// Why an EPCIS 2.0 JSON-LD document, or one of its events, is refused.
///
/// Guarantees: a refusal concerning an event names the event's zero-based index in the event
/// list and the field (a dotted path inside the event, with list positions in brackets, e.g.
/// `quantityList[1].quantity`); a refusal concerning the document names the document field.
/// `description` is one English line saying all of that and what was wrong.
public enum EPCISError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes are not one strict JSON document (HADIC's ``JSONParser`` said why).
    case invalidJSON(JSONParseError)
    /// A field of the document itself (outside the events) is missing or wrong.
    case document(field: String, problem: EPCISProblem)
    /// A field of the event at `index` in the event list is missing or wrong.
    case event(index: Int, field: String, problem: EPCISProblem)

    /// The event's index in the list, when the refusal concerns an event.
    public var eventIndex: Int? {
        if case .event(let index, _, _) = self { return index }
        return nil
    }

    /// The field the refusal names (nil for bad JSON).
    public var field: String? {
        switch self {
        case .invalidJSON: return nil
        case .document(let field, _), .event(_, let field, _): return field
        }
    }

    /// What was wrong (nil for bad JSON).
    public var problem: EPCISProblem? {
        switch self {
        case .invalidJSON: return nil
        case .document(_, let problem), .event(_, _, let problem): return problem
        }
    }

    public var description: String {
        switch self {
        case .invalidJSON(let error):
            return "EPCIS document is not valid JSON: \(error)"
        case .document(let field, let problem):
            return "EPCIS document field \(field): \(problem)"
        case .event(let index, let field, let problem):
            return "EPCIS event \(index) field \(field): \(problem)"
        }
    }
}
