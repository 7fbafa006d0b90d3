import Foundation
import HADICCore

/// The structure GS1 EPCIS 2.0 prescribes for a JSON-LD `EPCISDocument`, checked rule by rule.
///
/// No PyPI package ships GS1's EPCIS 2.0 JSON schema (docs/EPCIS.md, "Export", lists what was
/// tried), so the export tests check what the schema would, from the rules of the standard
/// (GS1 EPCIS 2.0, section 7 "Abstract data model" for the events, section 9 / the JSON binding
/// for the document), each rule named in its message. Together with scripts/epcis-jsonld-check
/// (GS1's JSON-LD context) this is the validation the export must pass.
enum EPCISDocumentRules {
    static let eventTypes: Set<String> = ["ObjectEvent", "AggregationEvent", "TransactionEvent", "TransformationEvent", "AssociationEvent"]
    /// The members EPCIS 2.0 defines for events and their parts (everything else is an extension).
    static let standardMembers: Set<String> = [
        "type", "eventTime", "recordTime", "eventTimeZoneOffset", "eventID", "errorDeclaration", "certificationInfo",
        "action", "bizStep", "disposition", "persistentDisposition", "readPoint", "bizLocation", "bizTransactionList",
        "sourceList", "destinationList", "sensorElementList", "ilmd", "epcList", "quantityList", "parentID", "childEPCs",
        "childQuantityList", "inputEPCList", "inputQuantityList", "outputEPCList", "outputQuantityList", "transformationID",
    ]

    /// Every rule the document breaks, as "path: rule"; empty when it keeps them all.
    static func problems(in document: JSONValue) -> [String] {
        var out: [String] = []
        func fail(_ path: String, _ rule: String) { out.append("\(path): \(rule)") }

        // The JSON-LD binding: the document's members.
        var prefixes: Set<String> = ["epcis", "cbv", "cbvmda", "gs1", "rdfs", "owl", "xsd", "dcterms"]
        switch document["@context"] {
        case .string(let s)?:
            if s != standardContext { fail("$.@context", "must reference the EPCIS 2.0 context \(standardContext)") }
        case .array(let items)?:
            if !items.contains(.string(standardContext)) { fail("$.@context", "must reference the EPCIS 2.0 context \(standardContext)") }
            for case .object(let o) in items { prefixes.formUnion(o.keys) }
        default:
            fail("$.@context", "required (a JSON-LD document names its context)")
        }
        if document["type"] != "EPCISDocument" { fail("$.type", "must be \"EPCISDocument\"") }
        if document["schemaVersion"] != "2.0" { fail("$.schemaVersion", "must be the string \"2.0\"") }
        if !isDateTime(document["creationDate"]?.stringValue) { fail("$.creationDate", "required: a date-time with a time zone") }
        guard let events = document["epcisBody"]?["eventList"]?.arrayValue else {
            fail("$.epcisBody.eventList", "required: the list of events")
            return out
        }
        for (i, event) in events.enumerated() {
            check(event: event, path: "$.epcisBody.eventList[\(i)]", prefixes: prefixes, fail: fail)
        }
        return out
    }

    static let standardContext = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"

    private static func check(event: JSONValue, path: String, prefixes: Set<String>, fail: (String, String) -> Void) {
        guard case .object(let e) = event else { return fail(path, "an event is a JSON object") }
        let type = e["type"]?.stringValue ?? ""
        guard eventTypes.contains(type) else { return fail("\(path).type", "one of \(eventTypes.sorted())") }
        // Section 7.3 (EPCISEvent): the fields every event has.
        if !isDateTime(e["eventTime"]?.stringValue) { fail("\(path).eventTime", "required: a date-time with a time zone") }
        if !isTimeZoneOffset(e["eventTimeZoneOffset"]?.stringValue) {
            fail("\(path).eventTimeZoneOffset", "required: +hh:mm or -hh:mm, -14:00 to +14:00")
        }
        if let r = e["recordTime"], !isDateTime(r.stringValue) { fail("\(path).recordTime", "a date-time with a time zone") }
        if let id = e["eventID"], !isURI(id.stringValue) { fail("\(path).eventID", "an absolute URI") }
        if let c = e["certificationInfo"] {
            let items = c.arrayValue ?? [c]
            if items.isEmpty || !items.allSatisfy({ isURI($0.stringValue) }) { fail("\(path).certificationInfo", "a URI or a list of URIs") }
        }
        // action: ObjectEvent, AggregationEvent, TransactionEvent and AssociationEvent have one; TransformationEvent none.
        let action = e["action"]?.stringValue
        if type == "TransformationEvent" {
            if action != nil { fail("\(path).action", "a TransformationEvent has no action") }
        } else if !["ADD", "OBSERVE", "DELETE"].contains(action ?? "") {
            fail("\(path).action", "required: ADD, OBSERVE or DELETE")
        }
        for key in ["bizStep", "disposition"] {
            if let v = e[key], !isVocabularyValue(v.stringValue) { fail("\(path).\(key)", "a CBV bare word or an absolute URI") }
        }
        for key in ["readPoint", "bizLocation"] {
            if let v = e[key], !isURI(v["id"]?.stringValue) { fail("\(path).\(key)", "an object with an absolute URI \"id\"") }
        }
        for key in ["epcList", "childEPCs", "inputEPCList", "outputEPCList"] {
            if let v = e[key], !(v.arrayValue?.allSatisfy { isURI($0.stringValue) } ?? false) { fail("\(path).\(key)", "a list of EPC URIs") }
        }
        for key in ["quantityList", "childQuantityList", "inputQuantityList", "outputQuantityList"] {
            guard let v = e[key] else { continue }
            guard let items = v.arrayValue else {
                fail("\(path).\(key)", "a list of quantity elements")
                continue
            }
            for (j, q) in items.enumerated() { check(quantity: q, path: "\(path).\(key)[\(j)]", fail: fail) }
        }
        for (key, member) in [("sourceList", "source"), ("destinationList", "destination")] {
            guard let v = e[key] else { continue }
            for (j, s) in (v.arrayValue ?? [.null]).enumerated() {
                if !isVocabularyValue(s["type"]?.stringValue) || !isURI(s[member]?.stringValue) {
                    fail("\(path).\(key)[\(j)]", "an object with a \"type\" (CBV word or URI) and a \"\(member)\" URI")
                }
            }
        }
        if let p = e["parentID"], !isURI(p.stringValue) { fail("\(path).parentID", "an absolute URI") }
        func nonEmpty(_ key: String) -> Bool { !(e[key]?.arrayValue?.isEmpty ?? true) }
        switch type {
        case "ObjectEvent":
            if e["epcList"] == nil && !nonEmpty("quantityList") { fail(path, "an ObjectEvent has an epcList or a quantityList") }
            if e["ilmd"] != nil && action != "ADD" { fail("\(path).ilmd", "ilmd only on an ObjectEvent with action ADD") }
        case "AggregationEvent":
            if action != "OBSERVE" && e["parentID"] == nil { fail("\(path).parentID", "required when action is ADD or DELETE") }
            if action == "ADD" && !nonEmpty("childEPCs") && !nonEmpty("childQuantityList") {
                fail(path, "an AggregationEvent ADD has childEPCs or a childQuantityList")
            }
        case "TransformationEvent":
            let inputs = nonEmpty("inputEPCList") || nonEmpty("inputQuantityList")
            let outputs = nonEmpty("outputEPCList") || nonEmpty("outputQuantityList")
            if !(inputs && outputs) && e["transformationID"] == nil {
                fail(path, "a TransformationEvent without transformationID has inputs and outputs")
            }
        default:
            break
        }
        // Extensions: every other member is namespaced (prefix:name), with a declared prefix.
        for key in e.keys where !standardMembers.contains(key) {
            check(extension: key, path: "\(path).\(key)", prefixes: prefixes, fail: fail)
        }
        if case .object(let ilmd)? = e["ilmd"] {
            for key in ilmd.keys { check(extension: key, path: "\(path).ilmd.\(key)", prefixes: prefixes, fail: fail) }
        }
    }

    private static func check(quantity: JSONValue, path: String, fail: (String, String) -> Void) {
        guard case .object(let q) = quantity else { return fail(path, "a quantity element is an object") }
        if !isURI(q["epcClass"]?.stringValue) { fail("\(path).epcClass", "required: a class URI") }
        if let n = q["quantity"], n.numberValue == nil { fail("\(path).quantity", "a number") }
        if let u = q["uom"] {
            if q["quantity"] == nil { fail("\(path).uom", "only with a quantity") }
            if !matches(u.stringValue, "^[A-Z0-9]{2,3}$") { fail("\(path).uom", "a UN/ECE Rec 20 code (2-3 capitals or digits)") }
        }
        for key in q.keys where !["epcClass", "quantity", "uom"].contains(key) { fail("\(path).\(key)", "not a member of a quantity element") }
    }

    private static func check(extension key: String, path: String, prefixes: Set<String>, fail: (String, String) -> Void) {
        let parts = key.split(separator: ":", maxSplits: 1)
        if parts.count != 2 || !prefixes.contains(String(parts[0])) {
            fail(path, "an extension member is prefix:name with a prefix the @context declares")
        }
    }

    static func isDateTime(_ s: String?) -> Bool {
        matches(s, #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"#)
    }

    static func isTimeZoneOffset(_ s: String?) -> Bool { matches(s, #"^[+-]((0\d|1[0-3]):[0-5]\d|14:00)$"#) }

    static func isURI(_ s: String?) -> Bool { matches(s, #"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+$"#) }

    static func isVocabularyValue(_ s: String?) -> Bool { matches(s, "^[A-Za-z0-9_]+$") || isURI(s) }

    static func matches(_ s: String?, _ pattern: String) -> Bool {
        guard let s else { return false }
        return s.range(of: pattern, options: .regularExpression) != nil
    }
}
