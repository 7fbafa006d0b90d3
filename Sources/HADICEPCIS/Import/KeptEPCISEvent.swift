import HADICCore

/// An EPCIS event as a HADIC body keeps it (the `epcis` member, ``EPCISCapture``), read back
/// and hashed: what the admission rule `epcis-hash` runs on every imported event, at the
/// sequencer, on replicas and in `hadic verify --full`.
///
/// Guarantees: the event is read from its canonical JSON (RFC 8785), the form the ledger
/// stores, so the sequencer and every later replay hash the same bytes; the namespaces are
/// the ones the member names over the EPCIS 2.0 standard prefixes.
public enum KeptEPCISEvent {
    /// The kept event read as ``EPCISEvent``, under the member's namespaces.
    public static func read(_ capture: EPCISCapture) throws(EPCISError) -> EPCISEvent {
        // HADICEPCIS reads events only inside a document: wrap the one event in the smallest
        // EPCIS document (its @context naming the kept prefixes) and read that.
        let context: JSONValue = .object(capture.namespaces.mapValues { .string($0) })
        let wrapper: JSONValue = .object([
            "type": .string("EPCISDocument"), "@context": .array([context]), "schemaVersion": .string("2.0"),
            "creationDate": .string("2000-01-01T00:00:00Z"), "epcisBody": .object(["eventList": .array([capture.event])]),
        ])
        let document = try EPCISDocument.parse(wrapper.canonicalBytes)
        guard let event = document.events.first else { throw .document(field: "epcisBody.eventList", problem: .missing) }
        return event
    }

    /// The GS1 CBV 2.0 event hash URI of the kept event, or why it cannot be computed.
    public static func hashURI(_ capture: EPCISCapture) -> Result<String, EPCISHashFailure> {
        do throws(EPCISError) {
            let event = try read(capture)
            return .success(try EPCISEventHasher.hash(event, namespaces: namespaces(capture)).uri)
        } catch {
            return .failure(EPCISHashFailure(error.description))
        }
    }

    private static func namespaces(_ capture: EPCISCapture) -> [String: String] {
        EPCISNamespaces.standard.merging(capture.namespaces) { _, kept in kept }
    }

    /// The prefixes of `namespaces` that `event` uses (as a member name's or a string value's
    /// `prefix:`) and that differ from the EPCIS 2.0 standard context: what an `epcis` member
    /// must keep for the event to hash the same outside its document.
    public static func usedNamespaces(of event: JSONValue, in namespaces: [String: String]) -> [String: String] {
        var used: [String: String] = [:]
        func note(_ text: String) {
            guard let colon = text.firstIndex(of: ":") else { return }
            let prefix = String(text[..<colon])
            if let iri = namespaces[prefix], EPCISNamespaces.standard[prefix] != iri { used[prefix] = iri }
        }
        func walk(_ v: JSONValue) {
            switch v {
            case .object(let members):
                for (k, child) in members { note(k); walk(child) }
            case .array(let items):
                items.forEach(walk)
            case .string(let s):
                note(s)
            default:
                break
            }
        }
        walk(event)
        return used
    }
}
