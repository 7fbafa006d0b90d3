import HADICCore

/// An EPCIS 2.0 JSON-LD document read: an `EPCISDocument` (events in `epcisBody.eventList`) or
/// an `EPCISQueryDocument` (events in `epcisBody.queryResults.resultsBody.eventList`).
///
/// Guarantees: ``parse(_:)`` returns a document only when every event in it was read without a
/// problem (see ``EPCISEvent``); otherwise it throws the first ``EPCISError``, naming the event
/// index and field. `document` is the whole JSON as parsed, unchanged.
public struct EPCISDocument: Sendable {
    /// Which of the two document types this is.
    public enum Kind: String, Sendable {
        case document = "EPCISDocument"
        case queryDocument = "EPCISQueryDocument"
    }

    public let kind: Kind
    public let events: [EPCISEvent]
    /// Prefix -> namespace IRI, from the JSON-LD `@context` (string-valued term definitions),
    /// over the prefixes the EPCIS 2.0 standard context defines (see ``EPCISNamespaces``).
    public let namespaces: [String: String]
    /// `schemaVersion` as written (a string such as `2.0`; a JSON number is kept as its text).
    public let schemaVersion: String
    /// `creationDate` as written; it parsed as a date-time with a time zone.
    public let creationDate: String
    /// The whole document as parsed.
    public let document: JSONValue

    /// Reads an EPCIS 2.0 JSON-LD document from UTF-8 bytes, within `limits` (by default 16 MiB
    /// and 64 levels of nesting; larger documents are refused as bad JSON, `tooLarge`).
    public static func parse(_ bytes: [UInt8], limits: JSONLimits = .default) throws(EPCISError) -> EPCISDocument {
        let json: JSONValue
        do throws(JSONParseError) {
            json = try JSONValue.parse(bytes, limits: limits)
        } catch {
            throw .invalidJSON(error)
        }
        return try EPCISDocumentReader.read(json)
    }

    init(kind: Kind, events: [EPCISEvent], namespaces: [String: String], schemaVersion: String,
         creationDate: String, document: JSONValue) {
        self.kind = kind
        self.events = events
        self.namespaces = namespaces
        self.schemaVersion = schemaVersion
        self.creationDate = creationDate
        self.document = document
    }
}
