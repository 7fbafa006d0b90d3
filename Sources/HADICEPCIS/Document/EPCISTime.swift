/// An instant as an EPCIS document writes it (xsd:dateTime with a time zone offset) and as the
/// event hash needs it.
///
/// Guarantees: `utc` is the same instant in UTC with exactly three fraction digits and `Z`
/// (`2020-03-04T10:00:30.000Z`); digits beyond the millisecond are rounded half up, so
/// `.0005` becomes `.001`. `original` is the text as written.
public struct EPCISTime: Hashable, Sendable, CustomStringConvertible {
    public let original: String
    public let utc: String

    /// Nil when `text` is not `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)`.
    public init?(_ text: String) {
        guard let utc = EPCISTimestamp.utcMilliseconds(text) else { return nil }
        self.original = text
        self.utc = utc
    }

    public var description: String { utc }
}
