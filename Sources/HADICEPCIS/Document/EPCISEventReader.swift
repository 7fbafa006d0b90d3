import HADICCore

/// Reads and checks one event of an EPCIS 2.0 JSON-LD document into an ``EPCISEvent``.
///
/// Why so strict: what HADIC signs is the original event, and the hash and the mapping read
/// these fields; a field read wrongly or skipped silently would make the hash and the ledger
/// disagree with the document.
struct EPCISEventReader {
    let index: Int
    let json: JSONValue
    /// The document's prefixes, overlaid with the event's own `@context` once read.
    var namespaces: [String: String]

    init(index: Int, json: JSONValue, namespaces: [String: String]) {
        self.index = index
        self.json = json
        self.namespaces = namespaces
    }

    private func fail(_ field: String, _ problem: EPCISProblem) -> EPCISError {
        .event(index: index, field: field, problem: problem)
    }

    mutating func read() throws(EPCISError) -> EPCISEvent {
        guard case .object(let fields) = json else { throw fail("(event)", .wrongType(expected: "an object")) }
        guard let typeValue = fields["type"], !typeValue.isNull else { throw fail("type", .missing) }
        guard let typeText = typeValue.stringValue else { throw fail("type", .wrongType(expected: "a string")) }
        guard let type = EPCISEventType(rawValue: typeText) else { throw fail("type", .unknownEventType(typeText)) }
        guard let merged = EPCISNamespaces.collect(fields["@context"], over: namespaces) else {
            throw fail("@context", .wrongType(expected: "a string, an object or an array of them"))
        }
        namespaces = merged
        let allowed = EPCISEventType.commonFields.union(type.ownFields)
        for key in fields.keys.sorted() where !allowed.contains(key) {
            try checkExtensionName(key, at: key, eventType: type.rawValue)
        }

        let time = try requiredTime("eventTime")
        let offset = try requiredString("eventTimeZoneOffset")
        guard EPCISTimestamp.isTimeZoneOffset(offset) else { throw fail("eventTimeZoneOffset", .malformedTimeZoneOffset(offset)) }
        let recordTime = try optionalTime("recordTime")

        var action: EPCISAction? = nil
        if type.hasAction {
            let text = try requiredString("action")
            guard let a = EPCISAction(rawValue: text) else { throw fail("action", .invalidAction(text)) }
            action = a
        }

        let bizStep = try vocabulary("bizStep", .bizStep)
        let disposition = try vocabulary("disposition", .disposition)
        var persistent: EPCISPersistentDisposition? = nil
        if let p = fields["persistentDisposition"], !p.isNull {
            guard case .object(let o) = p else { throw fail("persistentDisposition", .wrongType(expected: "an object")) }
            for key in o.keys where key != "set" && key != "unset" {
                throw fail("persistentDisposition.\(key)", .notAllowed(eventType: type.rawValue))
            }
            func list(_ name: String) throws(EPCISError) -> [String] {
                let path = "persistentDisposition.\(name)"
                guard let v = o[name], !v.isNull else { return [] }
                guard case .array(let items) = v else { throw fail(path, .wrongType(expected: "an array of strings")) }
                var out: [String] = []
                for (i, item) in items.enumerated() {
                    guard let s = item.stringValue else { throw fail("\(path)[\(i)]", .wrongType(expected: "a string")) }
                    out.append(try word(s, .disposition, at: "\(path)[\(i)]"))
                }
                return out
            }
            persistent = EPCISPersistentDisposition(set: try list("set"), unset: try list("unset"))
        }

        let readPoint = try location("readPoint", eventType: type.rawValue)
        let bizLocation = try location("bizLocation", eventType: type.rawValue)
        let epcList = try identifierList("epcList")
        let parentID = try optionalIdentifier("parentID")
        let childEPCs = try identifierList("childEPCs")
        let inputEPCList = try identifierList("inputEPCList")
        let outputEPCList = try identifierList("outputEPCList")
        let quantityList = try quantities("quantityList")
        let childQuantityList = try quantities("childQuantityList")
        let inputQuantityList = try quantities("inputQuantityList")
        let outputQuantityList = try quantities("outputQuantityList")
        let sources = try sourceDestList("sourceList", member: "source")
        let destinations = try sourceDestList("destinationList", member: "destination")
        let bizTransactions = try bizTransactionList()
        let transformationID = try optionalIdentifier("transformationID")
        var eventID: String? = nil
        if let text = try optionalString("eventID") { eventID = try self.eventID(text, at: "eventID") }
        let errorDeclaration = try readErrorDeclaration(eventType: type.rawValue)
        let certificationInfo = try readCertificationInfo()
        try checkSensorElementList()
        if let ilmd = fields["ilmd"], !ilmd.isNull {
            guard case .object(let o) = ilmd else { throw fail("ilmd", .wrongType(expected: "an object")) }
            for key in o.keys.sorted() { try checkExtensionName(key, at: "ilmd.\(key)", eventType: type.rawValue) }
        }

        return EPCISEvent(
            index: index, type: type, original: json, eventID: eventID,
            eventTime: EPCISEventTime(time: time, offset: offset), recordTime: recordTime, action: action,
            bizStep: bizStep, disposition: disposition, persistentDisposition: persistent, readPoint: readPoint,
            bizLocation: bizLocation, epcList: epcList, parentID: parentID, childEPCs: childEPCs,
            inputEPCList: inputEPCList, outputEPCList: outputEPCList, quantityList: quantityList,
            childQuantityList: childQuantityList, inputQuantityList: inputQuantityList,
            outputQuantityList: outputQuantityList, sourceList: sources, destinationList: destinations,
            bizTransactionList: bizTransactions, transformationID: transformationID,
            errorDeclaration: errorDeclaration, certificationInfo: certificationInfo)
    }

    // MARK: - Field readers

    private func value(_ path: String, in object: JSONValue? = nil) -> JSONValue? {
        let container = object ?? json
        let key = path.split(separator: ".").last.map(String.init) ?? path
        guard let v = container[key], !v.isNull else { return nil }
        return v
    }

    private func requiredString(_ name: String) throws(EPCISError) -> String {
        guard let v = value(name) else { throw fail(name, .missing) }
        guard let s = v.stringValue else { throw fail(name, .wrongType(expected: "a string")) }
        return s
    }

    private func optionalString(_ name: String, in object: JSONValue? = nil, path: String? = nil) throws(EPCISError) -> String? {
        guard let v = value(name, in: object) else { return nil }
        guard let s = v.stringValue else { throw fail(path ?? name, .wrongType(expected: "a string")) }
        return s
    }

    private func requiredTime(_ name: String) throws(EPCISError) -> EPCISTime {
        let text = try requiredString(name)
        guard let t = EPCISTime(text) else { throw fail(name, .malformedTime(text)) }
        return t
    }

    private func optionalTime(_ name: String) throws(EPCISError) -> EPCISTime? {
        guard let text = try optionalString(name) else { return nil }
        guard let t = EPCISTime(text) else { throw fail(name, .malformedTime(text)) }
        return t
    }

    /// `text` checked as an identifier at `path`.
    private func uri(_ text: String, at path: String) throws(EPCISError) -> String {
        do throws(EPCISIdentifierError) {
            try EPCISIdentifier.validate(text)
        } catch {
            throw fail(path, .malformedIdentifier(error))
        }
        return text
    }

    /// An event ID: a URI, or a JSON-LD blank node identifier (`_:event1`) as some of GS1's
    /// example documents use; neither takes part in the event hash.
    private func eventID(_ text: String, at path: String) throws(EPCISError) -> String {
        if text.hasPrefix("_:"), text.utf8.count > 2, text.utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) { return text }
        return try uri(text, at: path)
    }

    private func optionalIdentifier(_ name: String) throws(EPCISError) -> String? {
        guard let text = try optionalString(name) else { return nil }
        return try uri(text, at: name)
    }

    private func vocabulary(_ name: String, _ vocabulary: CBVVocabulary) throws(EPCISError) -> String? {
        guard let text = try optionalString(name) else { return nil }
        return try word(text, vocabulary, at: name)
    }

    /// A CBV word or URI at `path`, as a full URI.
    private func word(_ text: String, _ vocabulary: CBVVocabulary, at path: String) throws(EPCISError) -> String {
        if !text.contains(":"), !vocabulary.terms.contains(text) {
            throw fail(path, .unknownVocabularyWord(text, vocabulary: vocabulary))
        }
        return try uri(vocabulary.uri(text, namespaces: namespaces), at: path)
    }

    private func identifierList(_ name: String) throws(EPCISError) -> [String] {
        guard let v = value(name) else { return [] }
        guard case .array(let items) = v else { throw fail(name, .wrongType(expected: "an array of strings")) }
        var out: [String] = []
        out.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            guard let s = item.stringValue else { throw fail("\(name)[\(i)]", .wrongType(expected: "a string")) }
            out.append(try uri(s, at: "\(name)[\(i)]"))
        }
        return out
    }

    private func objects(_ name: String) throws(EPCISError) -> [(path: String, value: JSONValue, fields: [String: JSONValue])] {
        guard let v = value(name) else { return [] }
        guard case .array(let items) = v else { throw fail(name, .wrongType(expected: "an array of objects")) }
        var out: [(String, JSONValue, [String: JSONValue])] = []
        for (i, item) in items.enumerated() {
            guard case .object(let o) = item else { throw fail("\(name)[\(i)]", .wrongType(expected: "an object")) }
            out.append(("\(name)[\(i)]", item, o))
        }
        return out
    }

    private func quantities(_ name: String) throws(EPCISError) -> [EPCISQuantity] {
        var out: [EPCISQuantity] = []
        for (path, item, fields) in try objects(name) {
            for key in fields.keys.sorted() where !["epcClass", "quantity", "uom"].contains(key) {
                try checkExtensionName(key, at: "\(path).\(key)", eventType: name)
            }
            guard let classText = try optionalString("epcClass", in: item, path: "\(path).epcClass") else {
                throw fail("\(path).epcClass", .missing)
            }
            let epcClass = try uri(classText, at: "\(path).epcClass")
            var quantity: String? = nil
            if let q = value("quantity", in: item) {
                guard case .number(let n) = q, let literal = n.literal ?? Optional(n.description),
                      let canonical = EPCISDecimal.canonical(literal), !canonical.hasPrefix("-")
                else { throw fail("\(path).quantity", .malformedQuantity(q.description)) }
                quantity = canonical
            }
            let uom = try optionalString("uom", in: item, path: "\(path).uom")
            if uom != nil, quantity == nil { throw fail("\(path).quantity", .missing) }
            out.append(EPCISQuantity(epcClass: epcClass, quantity: quantity, uom: uom))
        }
        return out
    }

    private func sourceDestList(_ name: String, member: String) throws(EPCISError) -> [EPCISSourceDest] {
        var out: [EPCISSourceDest] = []
        for (path, item, fields) in try objects(name) {
            for key in fields.keys.sorted() where key != "type" && key != member {
                try checkExtensionName(key, at: "\(path).\(key)", eventType: name)
            }
            guard let t = try optionalString("type", in: item, path: "\(path).type") else { throw fail("\(path).type", .missing) }
            guard let id = try optionalString(member, in: item, path: "\(path).\(member)") else {
                throw fail("\(path).\(member)", .missing)
            }
            out.append(EPCISSourceDest(type: try word(t, .sourceDestType, at: "\(path).type"),
                                       id: try uri(id, at: "\(path).\(member)")))
        }
        return out
    }

    private func bizTransactionList() throws(EPCISError) -> [EPCISBizTransaction] {
        var out: [EPCISBizTransaction] = []
        for (path, item, fields) in try objects("bizTransactionList") {
            for key in fields.keys.sorted() where key != "type" && key != "bizTransaction" {
                try checkExtensionName(key, at: "\(path).\(key)", eventType: "bizTransactionList")
            }
            guard let id = try optionalString("bizTransaction", in: item, path: "\(path).bizTransaction") else {
                throw fail("\(path).bizTransaction", .missing)
            }
            var type: String? = nil
            if let t = try optionalString("type", in: item, path: "\(path).type") {
                type = try word(t, .bizTransactionType, at: "\(path).type")
            }
            out.append(EPCISBizTransaction(type: type, id: try uri(id, at: "\(path).bizTransaction")))
        }
        return out
    }

    private func location(_ name: String, eventType: String) throws(EPCISError) -> String? {
        guard let v = value(name) else { return nil }
        guard case .object(let o) = v else { throw fail(name, .wrongType(expected: "an object with an id")) }
        for key in o.keys.sorted() where key != "id" {
            try checkExtensionName(key, at: "\(name).\(key)", eventType: eventType)
        }
        guard let id = try optionalString("id", in: v, path: "\(name).id") else { throw fail("\(name).id", .missing) }
        return try uri(id, at: "\(name).id")
    }

    private func readErrorDeclaration(eventType: String) throws(EPCISError) -> EPCISErrorDeclaration? {
        guard let v = value("errorDeclaration") else { return nil }
        guard case .object(let o) = v else { throw fail("errorDeclaration", .wrongType(expected: "an object")) }
        for key in o.keys.sorted() where !["declarationTime", "reason", "correctiveEventIDs"].contains(key) {
            try checkExtensionName(key, at: "errorDeclaration.\(key)", eventType: eventType)
        }
        guard let timeText = try optionalString("declarationTime", in: v, path: "errorDeclaration.declarationTime") else {
            throw fail("errorDeclaration.declarationTime", .missing)
        }
        guard let time = EPCISTime(timeText) else { throw fail("errorDeclaration.declarationTime", .malformedTime(timeText)) }
        var reason: String? = nil
        if let r = try optionalString("reason", in: v, path: "errorDeclaration.reason") {
            reason = try word(r, .errorReason, at: "errorDeclaration.reason")
        }
        var corrective: [String] = []
        if let c = value("correctiveEventIDs", in: v) {
            guard case .array(let items) = c else {
                throw fail("errorDeclaration.correctiveEventIDs", .wrongType(expected: "an array of strings"))
            }
            for (i, item) in items.enumerated() {
                let path = "errorDeclaration.correctiveEventIDs[\(i)]"
                guard let s = item.stringValue else { throw fail(path, .wrongType(expected: "a string")) }
                corrective.append(try eventID(s, at: path))
            }
        }
        return EPCISErrorDeclaration(declarationTime: time, reason: reason, correctiveEventIDs: corrective)
    }

    private func readCertificationInfo() throws(EPCISError) -> [String] {
        guard let v = value("certificationInfo") else { return [] }
        switch v {
        case .string(let s): return [try uri(s, at: "certificationInfo")]
        case .array(let items):
            var out: [String] = []
            for (i, item) in items.enumerated() {
                guard let s = item.stringValue else { throw fail("certificationInfo[\(i)]", .wrongType(expected: "a string")) }
                out.append(try uri(s, at: "certificationInfo[\(i)]"))
            }
            return out
        default:
            throw fail("certificationInfo", .wrongType(expected: "a string or an array of strings"))
        }
    }

    /// The sensor data is hashed from the original JSON; here only its shape is checked.
    private func checkSensorElementList() throws(EPCISError) {
        for (path, item, fields) in try objects("sensorElementList") {
            for key in fields.keys.sorted() where key != "sensorMetadata" && key != "sensorReport" && key != "type" {
                try checkExtensionName(key, at: "\(path).\(key)", eventType: "sensorElement")
            }
            if let m = value("sensorMetadata", in: item) {
                guard case .object(let members) = m else { throw fail("\(path).sensorMetadata", .wrongType(expected: "an object")) }
                for key in members.keys.sorted() where !EPCISSensorFields.metadata.contains(key) {
                    try checkExtensionName(key, at: "\(path).sensorMetadata.\(key)", eventType: "sensorMetadata")
                }
            }
            if let r = value("sensorReport", in: item) {
                guard case .array(let reports) = r else { throw fail("\(path).sensorReport", .wrongType(expected: "an array of objects")) }
                for (j, report) in reports.enumerated() {
                    guard case .object(let members) = report else {
                        throw fail("\(path).sensorReport[\(j)]", .wrongType(expected: "an object"))
                    }
                    for key in members.keys.sorted() where !EPCISSensorFields.report.contains(key) {
                        try checkExtensionName(key, at: "\(path).sensorReport[\(j)].\(key)", eventType: "sensorReport")
                    }
                }
            }
        }
    }

    /// A member outside the standard fields must be an extension: `prefix:name` with a prefix
    /// the `@context` declares.
    private func checkExtensionName(_ key: String, at path: String, eventType: String) throws(EPCISError) {
        guard let colon = key.firstIndex(of: ":"), colon != key.startIndex, key.index(after: colon) != key.endIndex else {
            throw fail(path, .notAllowed(eventType: eventType))
        }
        let prefix = String(key[..<colon])
        guard namespaces[prefix] != nil else { throw fail(path, .undeclaredPrefix(prefix)) }
    }
}
