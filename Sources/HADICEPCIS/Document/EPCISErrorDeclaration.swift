/// An event's error declaration (EPCIS 2.0 7.4.1.2): the capturer says the event did not occur
/// as recorded, and optionally names the events that correct it.
///
/// Guarantees: `declarationTime` was a date-time with an offset and is held normalised;
/// `reason`, when present, is a full URI (a bare word such as `incorrect_data` is expanded to
/// `https://ref.gs1.org/cbv/ER-incorrect_data`); `correctiveEventIDs` are in document order.
public struct EPCISErrorDeclaration: Hashable, Sendable {
    public let declarationTime: EPCISTime
    public let reason: String?
    public let correctiveEventIDs: [String]

    public init(declarationTime: EPCISTime, reason: String?, correctiveEventIDs: [String]) {
        self.declarationTime = declarationTime
        self.reason = reason
        self.correctiveEventIDs = correctiveEventIDs
    }
}
