import HADICCore

/// Builds one event's pre-hash string (CBV 2.0 section 8.9; docs/EPCIS.md, "Event hash").
///
/// The typed fields of ``EPCISEvent`` give the standard part in the canonical property order;
/// sensor data, ILMD and extensions are read from the original JSON, because the hash covers
/// them as written.
struct PreHashBuilder {
    let event: EPCISEvent
    let namespaces: [String: String]

    /// Members of the event that are not user extensions (standard fields, and the ones the
    /// hash leaves out).
    static let standardMembers: Set<String> = EPCISEventType.commonFields.union(
        EPCISEventType.allCases.flatMap { $0.ownFields })

    init(event: EPCISEvent, namespaces: [String: String]) {
        self.event = event
        // The event's own @context, if any, refines the document's prefixes.
        self.namespaces = EPCISNamespaces.collect(event.original["@context"], over: namespaces) ?? namespaces
    }

    func build() throws(EPCISError) -> String {
        // Extensions found inside standard structures, written at the end (CBV 2.0; CBV 2.1
        // moved them next to their structure).
        var tail: [String] = []
        var out = "eventType=" + event.type.rawValue
        out += "eventTime=" + event.eventTime.utc
        out += "eventTimeZoneOffset=" + event.eventTime.offset
        out += list("epcList", event.epcList.map { "epc=" + id($0) })
        out += field("parentID", event.parentID.map(id))
        out += list("inputEPCList", event.inputEPCList.map { "epc=" + id($0) })
        out += list("childEPCs", event.childEPCs.map { "epc=" + id($0) })
        out += quantities("quantityList", event.quantityList, tail: &tail)
        out += quantities("childQuantityList", event.childQuantityList, tail: &tail)
        out += quantities("inputQuantityList", event.inputQuantityList, tail: &tail)
        out += list("outputEPCList", event.outputEPCList.map { "epc=" + id($0) })
        out += quantities("outputQuantityList", event.outputQuantityList, tail: &tail)
        out += field("action", event.action?.rawValue)
        out += field("transformationID", event.transformationID.map(id))
        out += field("bizStep", event.bizStep.map(id))
        out += field("disposition", event.disposition.map(id))
        if let p = event.persistentDisposition, !(p.set.isEmpty && p.unset.isEmpty) {
            out += "persistentDisposition" + sorted(p.set.map { "set=" + id($0) }).joined()
                + sorted(p.unset.map { "unset=" + id($0) }).joined()
        }
        out += location("readPoint", event.readPoint, tail: &tail)
        out += location("bizLocation", event.bizLocation, tail: &tail)
        out += list("bizTransactionList", event.bizTransactionList.enumerated().map { i, t in
            structureTail(["bizTransactionList", "bizTransaction"], event.original["bizTransactionList"]?[i],
                          except: ["type", "bizTransaction"], into: &tail)
            return (t.type.map { "type=" + id($0) } ?? "") + "bizTransaction=" + id(t.id)
        })
        out += list("sourceList", event.sourceList.enumerated().map { i, s in
            structureTail(["sourceList", "source"], event.original["sourceList"]?[i], except: ["type", "source"], into: &tail)
            return "type=" + id(s.type) + "source=" + id(s.id)
        })
        out += list("destinationList", event.destinationList.enumerated().map { i, d in
            structureTail(["destinationList", "destination"], event.original["destinationList"]?[i],
                          except: ["type", "destination"], into: &tail)
            return "type=" + id(d.type) + "destination=" + id(d.id)
        })
        out += sensorElementList(tail: &tail)
        if let ilmd = event.original["ilmd"], case .object = ilmd {
            let inner = extensions(of: ilmd, except: [])
            if !inner.isEmpty { out += "ilmd" + inner }
        }
        tail += extensionStrings(of: event.original, except: Self.standardMembers)
        return out + sorted(tail).joined()
    }

    // MARK: - Pieces

    /// `name=value`, or nothing when absent.
    private func field(_ name: String, _ value: String?) -> String {
        guard let value, !value.isEmpty else { return "" }
        return name + "=" + value
    }

    /// The list name once, then its element strings sorted; nothing for an empty list.
    private func list(_ name: String, _ elements: [String]) -> String {
        elements.isEmpty ? "" : name + sorted(elements).joined()
    }

    private func quantities(_ name: String, _ items: [EPCISQuantity], tail: inout [String]) -> String {
        list(name, items.enumerated().map { i, q in
            structureTail([name, "quantityElement"], event.original[name]?[i], except: ["epcClass", "quantity", "uom"], into: &tail)
            return "quantityElement" + "epcClass=" + id(q.epcClass) + field("quantity", q.quantity)
                + field("uom", q.uom.map(EPCISIdentifier.trimmed))
        })
    }

    private func location(_ name: String, _ value: String?, tail: inout [String]) -> String {
        guard let value else { return "" }
        structureTail([name], event.original[name], except: ["id"], into: &tail)
        return name + "id=" + id(value)
    }

    /// Adds the extensions of a standard structure to the tail, after the names of the
    /// structures that hold it (`readPoint{NS}name=value`).
    private func structureTail(_ path: [String], _ object: JSONValue?, except: Set<String>, into tail: inout [String]) {
        let inner = extensions(of: object, except: except)
        if !inner.isEmpty { tail.append(path.joined() + inner) }
    }

    /// The normalised form of an identifier or vocabulary value.
    private func id(_ value: String) -> String {
        EPCISIdentifier.normalised(value, namespaces: namespaces)
    }

    /// A leaf value of sensor data or an extension: trimmed, numbers canonical, identifiers
    /// normalised.
    private func leaf(_ value: JSONValue) -> String? {
        switch value {
        case .string(let s):
            let t = EPCISIdentifier.trimmed(s)
            return EPCISDecimal.canonical(t) ?? id(t)
        case .number(let n):
            return EPCISDecimal.canonical(n.literal ?? n.description) ?? n.description
        case .bool(let b):
            return b ? "true" : "false"
        default:
            return nil
        }
    }

    // MARK: - Sensor data

    static let timeFields: Set<String> = ["time", "startTime", "endTime"]

    private func sensorElementList(tail: inout [String]) -> String {
        guard case .array(let elements)? = event.original["sensorElementList"] else { return "" }
        let path = ["sensorElementList", "sensorElement"]
        let strings = elements.map { element -> String in
            var s = "sensorElement"
            if let metadata = element["sensorMetadata"], case .object = metadata {
                let inner = ordered(metadata, order: EPCISSensorFields.metadata)
                if !inner.isEmpty { s += "sensorMetadata" + inner }
                structureTail(path + ["sensorMetadata"], metadata, except: Set(EPCISSensorFields.metadata), into: &tail)
            }
            if case .array(let reports)? = element["sensorReport"] {
                s += sorted(reports.map { report in
                    structureTail(path + ["sensorReport"], report, except: Set(EPCISSensorFields.report), into: &tail)
                    return "sensorReport" + ordered(report, order: EPCISSensorFields.report)
                }).joined()
            }
            structureTail(path, element, except: ["sensorMetadata", "sensorReport", "type"], into: &tail)
            return s
        }
        return list("sensorElementList", strings)
    }

    /// The members of `object` named in `order`, in that order.
    private func ordered(_ object: JSONValue, order: [String]) -> String {
        var s = ""
        for name in order {
            guard let v = object[name], let text = sensorValue(name, v) else { continue }
            s += name + "=" + text
        }
        return s
    }

    private func sensorValue(_ name: String, _ value: JSONValue) -> String? {
        if Self.timeFields.contains(name), case .string(let t) = value {
            return EPCISTimestamp.utcMilliseconds(EPCISIdentifier.trimmed(t)) ?? EPCISIdentifier.trimmed(t)
        }
        if case .string(let s) = value {
            switch name {
            case "type": return id(CBVVocabulary.sensorMeasurementType.uri(s, namespaces: namespaces))
            case "exception": return id(CBVVocabulary.sensorException.uri(s, namespaces: namespaces))
            case "component": return id(CBVVocabulary.sensorComponent.uri(s, namespaces: namespaces))
            default: break
            }
        }
        return leaf(value)
    }

    // MARK: - Extensions

    /// The extension members of `object` (every member not in `except`), each as
    /// `{namespace}name[=value]` followed by its nested members, sorted and joined.
    private func extensions(of object: JSONValue?, except: Set<String>) -> String {
        sorted(extensionStrings(of: object, except: except)).joined()
    }

    private func extensionStrings(of object: JSONValue?, except: Set<String>) -> [String] {
        guard case .object(let members)? = object else { return [] }
        var strings: [String] = []
        for (key, value) in members where !except.contains(key) && !key.hasPrefix("@") {
            let name = expandedName(key)
            if name == Self.comment { continue }
            strings += extensionStrings(name: name, value: value)
        }
        return strings
    }

    /// `rdfs:comment` is a remark about the event, not part of it: GS1 leaves it out of the hash.
    static let comment = "{http://www.w3.org/2000/01/rdf-schema#}comment"

    /// One string per value: arrays repeat the name for each element.
    private func extensionStrings(name: String, value: JSONValue) -> [String] {
        switch value {
        case .null:
            return []
        case .array(let items):
            return items.flatMap { extensionStrings(name: name, value: $0) }
        case .object(let members):
            var strings: [String] = []
            for (key, v) in members where !key.hasPrefix("@") {
                let inner = expandedName(key)
                if inner == Self.comment { continue }
                strings += extensionStrings(name: inner, value: v)
            }
            // A JSON-LD value object ({"@value": ...}) or node reference ({"@id": ...}) holds the
            // element's own value.
            let own = (members["@value"] ?? members["@id"]).flatMap(leaf).map { "=" + $0 } ?? ""
            return [name + own + sorted(strings).joined()]
        default:
            return [name + (leaf(value).map { "=" + $0 } ?? "")]
        }
    }

    /// `prefix:local` as `{namespace}local` when the prefix is declared; otherwise as written.
    private func expandedName(_ key: String) -> String {
        if let colon = key.firstIndex(of: ":"), let ns = namespaces[String(key[..<colon])] {
            return "{" + ns + "}" + key[key.index(after: colon)...]
        }
        return key
    }

    /// Sorted by UTF-8 bytes (CBV 2.0 section 8.9 rule 10: case-sensitive, by code values).
    private func sorted(_ strings: [String]) -> [String] {
        strings.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
