import HADICCore

/// Reads the document level of an EPCIS 2.0 JSON-LD document (see ``EPCISDocument``).
enum EPCISDocumentReader {
    static func read(_ json: JSONValue) throws(EPCISError) -> EPCISDocument {
        guard case .object(let root) = json else { throw .document(field: "(document)", problem: .wrongType(expected: "an object")) }
        guard let typeValue = root["type"] else { throw .document(field: "type", problem: .missing) }
        guard let typeText = typeValue.stringValue else { throw .document(field: "type", problem: .wrongType(expected: "a string")) }
        guard let kind = EPCISDocument.Kind(rawValue: typeText) else {
            throw .document(field: "type", problem: .unknownDocumentType(typeText))
        }
        guard let namespaces = EPCISNamespaces.collect(root["@context"]) else {
            throw .document(field: "@context", problem: .wrongType(expected: "a string, an object or an array of them"))
        }
        let schemaVersion: String
        switch root["schemaVersion"] {
        case .string(let s)?: schemaVersion = s
        case .number(let n)?: schemaVersion = n.literal ?? n.description
        case nil, .null?: throw .document(field: "schemaVersion", problem: .missing)
        default: throw .document(field: "schemaVersion", problem: .wrongType(expected: "a string"))
        }
        guard let creation = root["creationDate"], !creation.isNull else { throw .document(field: "creationDate", problem: .missing) }
        guard let creationDate = creation.stringValue else {
            throw .document(field: "creationDate", problem: .wrongType(expected: "a string"))
        }
        guard EPCISTime(creationDate) != nil else { throw .document(field: "creationDate", problem: .malformedTime(creationDate)) }

        let listPath = kind == .document ? ["epcisBody", "eventList"] : ["epcisBody", "queryResults", "resultsBody", "eventList"]
        var node = json
        var walked: [String] = []
        for step in listPath {
            walked.append(step)
            guard let next = node[step], !next.isNull else { throw .document(field: walked.joined(separator: "."), problem: .missing) }
            node = next
        }
        guard case .array(let items) = node else {
            throw .document(field: listPath.joined(separator: "."), problem: .wrongType(expected: "an array"))
        }
        var events: [EPCISEvent] = []
        events.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            var reader = EPCISEventReader(index: index, json: item, namespaces: namespaces)
            events.append(try reader.read())
        }
        return EPCISDocument(kind: kind, events: events, namespaces: namespaces, schemaVersion: schemaVersion,
                             creationDate: creationDate, document: json)
    }
}
