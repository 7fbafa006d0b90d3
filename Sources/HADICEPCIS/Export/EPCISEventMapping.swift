import HADICCore

/// One HADIC event written as the matching GS1 EPCIS 2.0 event (docs/EPCIS.md, "Export", has
/// the table field by field).
///
/// Guarantees: the result is a JSON object with an EPCIS `type`, `eventTime` (the HADIC time,
/// UTC) and `eventTimeZoneOffset` `+00:00`, the bizStep and disposition of CBV 2.0 in their
/// bare-word form, lots as EPCIS identifiers (``HADICURI``) with exact quantities, and HADIC's
/// own facts in `hadic:` extension members; it has no `eventID` (the exporter adds the event
/// hash, which leaves that member out). Party, certificate and policy events have no EPCIS
/// counterpart (they are master data) and give nil; so do event types this version does not know.
public struct EPCISEventMapping: Sendable {
    /// What the ledger knows about the event beyond its envelope.
    public struct Facts: Sendable {
        public let leafIndex: UInt64
        /// The time of the block that holds it (EPCIS `recordTime`: when the repository took it in).
        public let recordTime: Timestamp?
        /// ``EPCISCertificateRegister`` URIs of the certificates the event relies on.
        public let certificates: [String]
        /// `custody.receive`: the party that shipped (the actor of its `custody.ship`).
        public let shipper: PartyID?

        public init(leafIndex: UInt64, recordTime: Timestamp?, certificates: [String], shipper: PartyID?) {
            self.leafIndex = leafIndex
            self.recordTime = recordTime
            self.certificates = certificates
            self.shipper = shipper
        }
    }

    private let envelope: EventEnvelope
    private let facts: Facts
    private let prefix: String
    private var members: [String: JSONValue] = [:]

    /// The EPCIS event for `envelope`, or nil when it has none. Extension members are named
    /// `PREFIX:name`, PREFIX bound to ``HADICURI/namespace`` by the document (`hadic` unless an
    /// imported event took that prefix for another namespace).
    public static func event(for envelope: EventEnvelope, facts: Facts, prefix: String = HADICURI.prefix) throws(EPCISExportError) -> JSONValue? {
        var m = EPCISEventMapping(envelope: envelope, facts: facts, prefix: prefix)
        guard try m.map() else { return nil }
        return .object(m.members)
    }

    private init(envelope: EventEnvelope, facts: Facts, prefix: String) {
        self.envelope = envelope
        self.facts = facts
        self.prefix = prefix
    }

    private func ext(_ name: String) -> String { "\(prefix):\(name)" }

    private mutating func set(_ name: String, _ value: JSONValue?) {
        if let value { members[name] = value }
    }

    private mutating func setExtension(_ name: String, _ value: JSONValue?) { set(ext(name), value) }

    /// Fills `members`; false when the event has no EPCIS counterpart.
    private mutating func map() throws(EPCISExportError) -> Bool {
        switch envelope.body {
        case .lotCreate(let b):
            common("ObjectEvent", action: "ADD", bizStep: "commissioning", disposition: "active")
            try objects([LotQuantity(lot: b.lot, quantity: b.quantity)], epcs: "epcList", quantities: "quantityList")
            set("bizLocation", b.facility.map { .object(["id": .string(HADICURI.uri(.location, $0))]) })
            var ilmd: [String: JSONValue] = [ext("product"): .string(b.product), ext("class"): .string(b.materialClass)]
            if let attributes = b.attributes { ilmd[ext("attributes")] = .string(attributes.canonicalString) }
            set("ilmd", .object(ilmd))
        case .lotTransform(let b):
            common("TransformationEvent", action: nil, bizStep: "commissioning", disposition: "active")
            try objects(b.inputs, epcs: "inputEPCList", quantities: "inputQuantityList")
            try objects(b.outputs.map { LotQuantity(lot: $0.lot, quantity: $0.quantity) }, epcs: "outputEPCList", quantities: "outputQuantityList")
            set("bizLocation", b.facility.map { .object(["id": .string(HADICURI.uri(.location, $0))]) })
            set("ilmd", .object([ext("outputs"): .array(b.outputs.map {
                .object([ext("lot"): .string(HADICURI.lot($0.lot)), ext("product"): .string($0.product), ext("class"): .string($0.materialClass)])
            })]))
            setExtension("process", b.process.map { .string($0) })
        case .lotAggregate(let b):
            common("AggregationEvent", action: "ADD", bizStep: "packing", disposition: "in_progress")
            set("parentID", .string(HADICURI.lot(b.parent)))
            try objects(b.children, epcs: "childEPCs", quantities: "childQuantityList")
        case .lotDisaggregate(let b):
            common("AggregationEvent", action: "DELETE", bizStep: "unpacking", disposition: "in_progress")
            set("parentID", .string(HADICURI.lot(b.parent)))
            try objects(b.children, epcs: "childEPCs", quantities: "childQuantityList")
        case .custodyShip(let b):
            common("ObjectEvent", action: "OBSERVE", bizStep: "shipping", disposition: "in_transit")
            try objects(b.lots, epcs: "epcList", quantities: "quantityList")
            set("sourceList", parties(envelope.actor, key: "source"))
            set("destinationList", parties(b.to, key: "destination"))
            setExtension("carrier", b.carrier.map { .string(HADICURI.party($0)) })
            setExtension("vehicle", b.vehicle.map { .string(HADICURI.uri(.asset, $0)) })
            setExtension("segregated", b.segregated.map { .bool($0) })
        case .custodyReceive(let b):
            common("ObjectEvent", action: "OBSERVE", bizStep: "receiving", disposition: "in_progress")
            try objects(b.lots, epcs: "epcList", quantities: "quantityList")
            if let shipper = facts.shipper { set("sourceList", parties(shipper, key: "source")) }
            set("destinationList", parties(envelope.actor, key: "destination"))
            set("bizLocation", b.storage.map { .object(["id": .string(HADICURI.uri(.location, $0))]) })
            setExtension("shipment", .string(b.shipment.hex))
        case .lotInspect(let b):
            let disposition: String? = switch b.result {
            case .pass: "conformant"
            case .fail: "non_conformant"
            case .negative, .positive, .inconclusive: nil  // what they mean depends on the test
            }
            common("ObjectEvent", action: "OBSERVE", bizStep: "inspecting", disposition: disposition)
            lotOnly(b.lot)
            setExtension("test", .string(b.test))
            setExtension("result", .string(b.result.rawValue))
            setExtension("measurement", b.measurement.map {
                .object([ext("value"): .string($0.value), ext("unit"): .string($0.unit)])
            })
            setExtension("lab", b.lab.map { .string($0) })
            setExtension("report", b.report.map { .string($0) })
        case .lotIncident(let b):
            // An open incident holds the lot (CBV `holding`), never `inspecting`: an importer
            // must not read it as an inspection that merely failed.
            let (bizStep, disposition) = switch b.kind {
            case .quarantine: ("holding", "non_sellable_other")
            case .contamination, .nonconformity, .najis: ("holding", "non_conformant")
            case .resolution: ("inspecting", "conformant")
            }
            common("ObjectEvent", action: "OBSERVE", bizStep: bizStep, disposition: disposition)
            lotOnly(b.lot)
            setExtension("incident", .string(b.kind.rawValue))
            setExtension("description", .string(b.description))
            setExtension("asset", b.asset.map { .string(HADICURI.uri(.asset, $0)) })
            setExtension("resolves", b.resolves.map { .string($0.hex) })
        case .lotRecall(let b):
            common("ObjectEvent", action: "OBSERVE", bizStep: nil, disposition: "recalled")
            lotOnly(b.lot)
            setExtension("reason", .string(b.reason))
        case .lotCleanse(let b):
            // CBV 2.0 has no cleaning step: a HADIC term, as CBV allows any URI for bizStep.
            common("ObjectEvent", action: "OBSERVE", bizStep: HADICURI.namespace + "cleansing", disposition: nil)
            set("epcList", .array([.string(HADICURI.uri(.asset, b.asset))]))
            setExtension("method", .string(b.method.rawValue))
            setExtension("washes", b.washes.map { .number(JSONNumber(Int($0))) })
            setExtension("clay", b.clay.map { .bool($0) })
            setExtension("supervisor", b.supervisor.map { .string(HADICURI.party($0)) })
        default:
            return false
        }
        return true
    }

    /// The members every exported event has.
    private mutating func common(_ type: String, action: String?, bizStep: String?, disposition: String?) {
        set("type", .string(type))
        set("eventTime", .string(envelope.time.text))
        set("eventTimeZoneOffset", "+00:00")
        set("recordTime", facts.recordTime.map { .string($0.text) })
        set("action", action.map { .string($0) })
        set("bizStep", bizStep.map { .string($0) })
        set("disposition", disposition.map { .string($0) })
        switch facts.certificates.count {
        case 0: break
        case 1: set("certificationInfo", .string(facts.certificates[0]))
        default: set("certificationInfo", .array(facts.certificates.map { .string($0) }))
        }
        setExtension("eventID", .string(envelope.id.hex))
        setExtension("leafIndex", .number(JSONNumber(Int(facts.leafIndex))))
        setExtension("type", .string(envelope.type.rawValue))
        setExtension("actor", .string(HADICURI.party(envelope.actor)))
        setExtension("ledger", .string(envelope.ledger))
    }

    /// Lots with quantities: instances in `epcs` (their amounts in `hadic:quantities`), classes
    /// in `quantities`. A list left empty is not written.
    private mutating func objects(_ lines: [LotQuantity], epcs: String, quantities: String) throws(EPCISExportError) {
        var instances: [JSONValue] = []
        var instanceAmounts: [JSONValue] = []
        var classes: [JSONValue] = []
        for line in lines {
            let amount = try Self.number(line.quantity.amount, event: envelope.id.hex)
            if HADICURI.isInstance(line.lot) {
                instances.append(.string(HADICURI.lot(line.lot)))
                instanceAmounts.append(.object([
                    ext("lot"): .string(HADICURI.lot(line.lot)), ext("amount"): .string(line.quantity.amount),
                    ext("unit"): .string(line.quantity.unit.rawValue),
                ]))
            } else {
                var element: [String: JSONValue] = ["epcClass": .string(HADICURI.lot(line.lot)), "quantity": .number(amount)]
                if let uom = EPCISUnitOfMeasure.uom(for: line.quantity.unit) { element["uom"] = .string(uom) }
                classes.append(.object(element))
            }
        }
        if !instances.isEmpty {
            set(epcs, .array(instances))
            // Several lists of one event share the member: append.
            let earlier = members[ext("quantities")]?.arrayValue ?? []
            setExtension("quantities", .array(earlier + instanceAmounts))
        }
        if !classes.isEmpty { set(quantities, .array(classes)) }
    }

    /// An event about one lot as a whole (inspection, incident, recall): the lot with no amount.
    private mutating func lotOnly(_ lot: LotID) {
        if HADICURI.isInstance(lot) {
            set("epcList", .array([.string(HADICURI.lot(lot))]))
        } else {
            set("quantityList", .array([.object(["epcClass": .string(HADICURI.lot(lot))])]))
        }
    }

    /// The party as both owner and holder: HADIC's custody moves ownership and possession together.
    private func parties(_ party: PartyID, key: String) -> JSONValue {
        let uri = JSONValue.string(HADICURI.party(party))
        return .array([
            .object(["type": "owning_party", key: uri]),
            .object(["type": "possessing_party", key: uri]),
        ])
    }

    /// The decimal text as a JSON number, refused when the number would not print back as the
    /// same decimal (more significant digits than binary64 carries).
    static func number(_ amount: String, event: String) throws(EPCISExportError) -> JSONNumber {
        guard let value = Double(amount), let number = JSONNumber(finite: value),
              trimmed(number.description) == trimmed(amount) else {
            throw .inexactQuantity(event: event, amount: amount)
        }
        return number
    }

    /// A decimal without trailing fractional zeros (`12.50` -> `12.5`, `3.0` -> `3`).
    private static func trimmed(_ decimal: String) -> Substring {
        guard decimal.contains(".") else { return Substring(decimal) }
        var s = Substring(decimal)
        while s.hasSuffix("0") { s = s.dropLast() }
        if s.hasSuffix(".") { s = s.dropLast() }
        return s
    }
}
