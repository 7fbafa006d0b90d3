/// What was wrong with one field of an EPCIS document or event.
public enum EPCISProblem: Equatable, Sendable, CustomStringConvertible {
    /// The standard requires the field and it is absent (or null).
    case missing
    /// The field has the wrong JSON type.
    case wrongType(expected: String)
    /// The document `type` is neither `EPCISDocument` nor `EPCISQueryDocument`.
    case unknownDocumentType(String)
    /// The event `type` is not one of the five EPCIS 2.0 event types.
    case unknownEventType(String)
    /// A field the event type does not have (e.g. `parentID` in an ObjectEvent), or a member
    /// name that is neither standard nor a prefixed extension.
    case notAllowed(eventType: String)
    /// `action` is not ADD, OBSERVE or DELETE.
    case invalidAction(String)
    /// Not an xsd:dateTime with a time zone (`2024-05-01T08:30:00.000+02:00`).
    case malformedTime(String)
    /// Not a time zone offset `+HH:MM` / `-HH:MM` within ±14:00.
    case malformedTimeZoneOffset(String)
    /// An identifier that is not a well-formed EPC URI, GS1 Digital Link URI or absolute URI.
    case malformedIdentifier(EPCISIdentifierError)
    /// A bare word (no `:`) that is not a word of the CBV 2.0 vocabulary the field takes; a value
    /// of one's own must be a URI.
    case unknownVocabularyWord(String, vocabulary: CBVVocabulary)
    /// A quantity that is not a non-negative JSON number.
    case malformedQuantity(String)
    /// An extension member `prefix:name` whose prefix the JSON-LD `@context` does not declare.
    case undeclaredPrefix(String)
    /// A value out of what the standard allows, with the reason.
    case invalidValue(String)

    public var description: String {
        switch self {
        case .missing: return "required field is missing"
        case .wrongType(let expected): return "expected \(expected)"
        case .unknownDocumentType(let t): return "unknown document type \"\(t)\" (expected EPCISDocument or EPCISQueryDocument)"
        case .unknownEventType(let t):
            return "unknown event type \"\(t)\" (expected ObjectEvent, AggregationEvent, TransactionEvent, TransformationEvent or AssociationEvent)"
        case .notAllowed(let eventType): return "not a field of \(eventType) (extensions need a declared prefix)"
        case .invalidAction(let a): return "action \"\(a)\" is not ADD, OBSERVE or DELETE"
        case .malformedTime(let t): return "\"\(t)\" is not a date-time with a time zone offset"
        case .malformedTimeZoneOffset(let t): return "\"\(t)\" is not a time zone offset +HH:MM or -HH:MM"
        case .malformedIdentifier(let e): return e.description
        case .unknownVocabularyWord(let w, let v):
            return "\"\(w)\" is not a CBV 2.0 \(v.displayName); a value of your own must be a URI"
        case .malformedQuantity(let q): return "quantity \(q) is not a non-negative number"
        case .undeclaredPrefix(let p): return "prefix \"\(p)\" is not declared in the @context"
        case .invalidValue(let why): return why
        }
    }
}
