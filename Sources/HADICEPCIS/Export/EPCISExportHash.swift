import HADICCore

/// The `eventID` an exported event gets: its GS1 CBV 2.0 event hash (``EPCISEventHasher``).
enum EPCISExportHash {
    /// The hash URI of `event`, read as the exported document will hold it (under `context`):
    /// the event goes through ``EPCISDocument/parse(_:)`` like any imported event, so what is
    /// hashed is exactly what an importer of the document reads and hashes.
    static func eventID(of event: JSONValue, context: JSONValue, hadicEvent: String) throws(EPCISExportError) -> String {
        let single: JSONValue = .object([
            "@context": context, "type": "EPCISDocument", "schemaVersion": "2.0",
            "creationDate": .string(event["eventTime"]?.stringValue ?? ""),
            "epcisBody": .object(["eventList": .array([event])]),
        ])
        let document: EPCISDocument
        do throws(EPCISError) {
            document = try EPCISDocument.parse(single.canonicalBytes)
        } catch {
            throw .unhashable(event: hadicEvent, reason: error.description)
        }
        guard let read = document.events.first else { throw .unhashable(event: hadicEvent, reason: "the event did not read back") }
        do throws(EPCISError) {
            return try EPCISEventHasher.hash(read, namespaces: document.namespaces).uri
        } catch {
            throw .unhashable(event: hadicEvent, reason: error.description)
        }
    }
}
