import HADICCore

/// One EPCIS event mapped to the HADIC event that records it (docs/EPCIS.md, "Import"): its
/// type, time and body, the body's `epcis` member included.
public struct EPCISMappedEvent: Sendable {
    public let type: EventType
    public let time: Timestamp
    public let body: JSONValue
    public let hash: EPCISEventHash
}

/// Maps EPCIS 2.0 events to HADIC events, one to one, against the ledger's state (which
/// shipment a receipt receives, what a container holds, which event an error declaration
/// names). The table is in docs/EPCIS.md; anything outside it is an ``EPCISMappingProblem``
/// naming the event and field, never a guess.
public struct EPCISEventMapper: Sendable {
    public let map: EPCISImportMap
    /// The document's prefixes (``EPCISDocument/namespaces``).
    public let namespaces: [String: String]
    /// The importing party: it signs every event.
    public let actor: PartyID

    public init(map: EPCISImportMap, namespaces: [String: String], actor: PartyID) {
        self.map = map
        self.namespaces = namespaces
        self.actor = actor
    }

    private static let bizStepPrefix = "https://ref.gs1.org/cbv/BizStep-"
    private static let dispositionPrefix = "https://ref.gs1.org/cbv/Disp-"
    private static let shipping: Set<String> = ["shipping", "departing"]
    private static let receiving: Set<String> = ["receiving", "arriving"]
    private static let inspecting: Set<String> = ["inspecting", "sampling"]

    public func map(_ event: EPCISEvent, state: LedgerState) throws(EPCISMappingProblem) -> EPCISMappedEvent {
        func fail(_ field: String, _ reason: String) -> EPCISMappingProblem {
            EPCISMappingProblem(index: event.index, eventID: event.eventID, field: field, reason: reason)
        }
        let hash: EPCISEventHash
        do throws(EPCISError) {
            hash = try EPCISEventHasher.hash(event, namespaces: namespaces)
        } catch {
            throw fail(error.field ?? "(event)", "its event hash cannot be computed: \(error.problem?.description ?? error.description)")
        }
        guard let uri = EPCISHashURI(hash.uri) else { throw fail("(event)", "the hasher gave \(hash.uri), not a hash URI HADIC keeps") }
        let kept = EPCISCapture(event: event.original, namespaces: KeptEPCISEvent.usedNamespaces(of: event.original, in: namespaces), hash: uri)
        // The stored body is canonical JSON: the event must hash the same when read back from it.
        if case .success(let again) = KeptEPCISEvent.hashURI(kept), again != hash.uri {
            throw fail("(event)", "a number or string does not survive canonical JSON (RFC 8785) unchanged, so its hash would differ once stored")
        }
        let time: Timestamp
        if let declaration = event.errorDeclaration {
            guard let t = Timestamp(declaration.declarationTime.utc) else { throw fail("errorDeclaration.declarationTime", "outside HADIC's time range") }
            time = t
        } else {
            guard let t = Timestamp(event.eventTime.utc) else { throw fail("eventTime", "outside HADIC's time range (1970 to 2261)") }
            time = t
        }
        var body: [String: JSONValue]
        let type: EventType
        (type, body) = try mapBody(event, state: state, hash: hash, fail: fail)
        body["epcis"] = kept.json
        return EPCISMappedEvent(type: type, time: time, body: .object(body), hash: hash)
    }

    private func mapBody(_ e: EPCISEvent, state: LedgerState, hash: EPCISEventHash,
                         fail: (String, String) -> EPCISMappingProblem) throws(EPCISMappingProblem) -> (EventType, [String: JSONValue]) {
        if let declaration = e.errorDeclaration {
            guard let declared = state.epcisEvents[hash.uri] else {
                throw fail("errorDeclaration", "declares erroneous an event whose hash \(hash.uri) is not in the ledger")
            }
            var body: [String: JSONValue] = ["declared": .string(hash.uri), "event": .string(declared.event.hex),
                                             "declared_at": .string(Timestamp(declaration.declarationTime.utc)?.text ?? declaration.declarationTime.utc)]
            if let reason = declaration.reason { body["reason"] = .string(reason) }
            if !declaration.correctiveEventIDs.isEmpty { body["corrective"] = .array(declaration.correctiveEventIDs.map { .string($0) }) }
            return (.eventDeclareError, body)
        }
        let step = e.bizStep.map { $0.hasPrefix(Self.bizStepPrefix) ? String($0.dropFirst(Self.bizStepPrefix.count)) : $0 }
        switch (e.type, e.action) {
        case (.objectEvent, .add?):
            return (.lotCreate, try create(e, fail: fail))
        case (.objectEvent, .observe?) where step.map(Self.inspecting.contains) ?? false:
            return (.lotInspect, try inspect(e, step: step ?? "inspecting", fail: fail))
        case (.objectEvent, .observe?), (.transactionEvent, .add?), (.transactionEvent, .observe?):
            if let step, Self.shipping.contains(step) { return (.custodyShip, try ship(e, fail: fail)) }
            if let step, Self.receiving.contains(step) { return (.custodyReceive, try receive(e, state: state, fail: fail)) }
            throw fail("bizStep", "\(e.type.rawValue) \(e.action?.rawValue ?? "") with bizStep \(e.bizStep ?? "(none)") has no HADIC event: "
                       + "HADIC records shipping/departing, receiving/arriving and inspecting/sampling observations")
        case (.aggregationEvent, .add?):
            return (.lotAggregate, try aggregation(e, state: state, unpacking: false, fail: fail))
        case (.aggregationEvent, .delete?):
            return (.lotDisaggregate, try aggregation(e, state: state, unpacking: true, fail: fail))
        case (.transformationEvent, _):
            return (.lotTransform, try transform(e, fail: fail))
        case (.associationEvent, _):
            throw fail("type", "AssociationEvent has no HADIC event (HADIC records no association of sensors or assets with lots)")
        default:
            throw fail("action", "\(e.type.rawValue) with action \(e.action?.rawValue ?? "(none)") has no HADIC event")
        }
    }

    // MARK: Lots and quantities

    private func lot(_ text: String, field: String, fail: (String, String) -> EPCISMappingProblem) throws(EPCISMappingProblem) -> LotID {
        guard let id = LotID(text) else {
            throw fail(field, "\(text) is not a HADIC lot id (an EPC URN lgtin/sgtin/sscc or an https GS1 Digital Link URI)")
        }
        return id
    }

    private static let units: [String: QuantityUnit] = [
        "KGM": .kg, "GRM": .g, "MGM": .mg, "TNE": .t, "LTR": .l, "MLT": .ml, "H87": .pcs, "EA": .pcs, "C62": .pcs,
    ]

    /// Instance identifiers count 1 pcs each; class-level lines need a quantity.
    private func lines(epcs: [String], epcField: String, quantities: [EPCISQuantity], quantityField: String,
                       fail: (String, String) -> EPCISMappingProblem) throws(EPCISMappingProblem) -> [LotQuantity] {
        var out: [LotQuantity] = []
        for (i, epc) in epcs.enumerated() {
            let id = try lot(epc, field: "\(epcField)[\(i)]", fail: fail)
            guard let one = Quantity(amount: "1", unit: .pcs) else { throw fail("\(epcField)[\(i)]", "no quantity") }
            out.append(LotQuantity(lot: id, quantity: one))
        }
        for (i, q) in quantities.enumerated() {
            let field = "\(quantityField)[\(i)]"
            let id = try lot(q.epcClass, field: "\(field).epcClass", fail: fail)
            guard let amount = q.quantity else { throw fail("\(field).quantity", "required: HADIC records how much of each lot") }
            let unit: QuantityUnit
            if let uom = q.uom {
                guard let u = Self.units[uom] else {
                    throw fail("\(field).uom", "unit \(uom) has no HADIC unit (KGM, GRM, MGM, TNE, LTR, MLT, H87, EA, C62)")
                }
                unit = u
            } else {
                unit = .pcs
            }
            guard let quantity = Quantity(amount: amount, unit: unit) else {
                throw fail("\(field).quantity", "\(amount) is not a positive amount at most micro-unit precise")
            }
            out.append(LotQuantity(lot: id, quantity: quantity))
        }
        var seen = Set<LotID>()
        for line in out where !seen.insert(line.lot).inserted {
            throw fail(epcs.isEmpty ? quantityField : epcField, "lot \(line.lot) is listed twice")
        }
        return out
    }

    private func linesJSON(_ lines: [LotQuantity]) -> JSONValue {
        .array(lines.map { .object(["lot": .string($0.lot.rawValue), "quantity": $0.quantity.json]) })
    }

    private func product(of lot: LotID, field: String, fail: (String, String) -> EPCISMappingProblem) throws(EPCISMappingProblem) -> EPCISImportMap.Product {
        guard let gtin = lot.gtin else { throw fail(field, "\(lot) names no GTIN: HADIC creates logistic units (SSCC) by aggregation") }
        guard let p = map.products[gtin] else { throw fail(field, "no product and class for GTIN \(gtin): name it in the import map's products") }
        return p
    }

    private func place(_ location: String?) -> [String: JSONValue] {
        guard let location, location.utf8.count <= Limits.maxIdentifierBytes else { return [:] }
        return ["facility": .string(location)]
    }

    // MARK: Event types

    private func create(_ e: EPCISEvent, fail: (String, String) -> EPCISMappingProblem) throws(EPCISMappingProblem) -> [String: JSONValue] {
        let made = try lines(epcs: e.epcList, epcField: "epcList", quantities: e.quantityList, quantityField: "quantityList", fail: fail)
        guard made.count == 1, let line = made.first else {
            throw fail(e.epcList.isEmpty ? "quantityList" : "epcList",
                       "an ObjectEvent ADD creates one HADIC lot; this one names \(made.count) (give one event per lot)")
        }
        let p = try product(of: line.lot, field: e.epcList.isEmpty ? "quantityList[0].epcClass" : "epcList[0]", fail: fail)
        var body: [String: JSONValue] = ["lot": .string(line.lot.rawValue), "product": .string(p.product),
                                         "class": .string(p.materialClass), "quantity": line.quantity.json]
        body.merge(place(e.bizLocation)) { a, _ in a }
        return body
    }

    private func inspect(_ e: EPCISEvent, step: String, fail: (String, String) -> EPCISMappingProblem) throws(EPCISMappingProblem) -> [String: JSONValue] {
        let named = try lines(epcs: e.epcList, epcField: "epcList", quantities: e.quantityList.map { EPCISQuantity(epcClass: $0.epcClass, quantity: $0.quantity ?? "1", uom: $0.uom) },
                              quantityField: "quantityList", fail: fail)
        guard named.count == 1, let line = named.first else {
            throw fail("epcList", "an inspection names one HADIC lot; this one names \(named.count)")
        }
        let disposition = e.disposition.map { $0.hasPrefix(Self.dispositionPrefix) ? String($0.dropFirst(Self.dispositionPrefix.count)) : $0 }
        let result: String
        switch disposition {
        case "conformant"?: result = "pass"
        case "non_conformant"?: result = "fail"
        default: result = "inconclusive"
        }
        return ["lot": .string(line.lot.rawValue), "test": .string("epcis-\(step)"), "result": .string(result)]
    }

    /// The counterparty in a source or destination list: the owning party, else the possessing party.
    private func party(in list: [EPCISSourceDest], field: String, fail: (String, String) -> EPCISMappingProblem) throws(EPCISMappingProblem) -> PartyID {
        for kind in ["https://ref.gs1.org/cbv/SDT-owning_party", "https://ref.gs1.org/cbv/SDT-possessing_party"] {
            guard let i = list.firstIndex(where: { $0.type == kind }) else { continue }
            guard let party = map.party(list[i].id) else {
                throw fail("\(field)[\(i)]", "no HADIC party for \(list[i].id): name it in the import map's parties")
            }
            return party
        }
        throw fail(field, "names no owning_party or possessing_party: HADIC needs the counterparty")
    }

    private func ship(_ e: EPCISEvent, fail: (String, String) -> EPCISMappingProblem) throws(EPCISMappingProblem) -> [String: JSONValue] {
        let to = try party(in: e.destinationList, field: "destinationList", fail: fail)
        let shipped = try lines(epcs: e.epcList, epcField: "epcList", quantities: e.quantityList, quantityField: "quantityList", fail: fail)
        guard !shipped.isEmpty else { throw fail("epcList", "names no lot to ship") }
        return ["to": .string(to.rawValue), "lots": linesJSON(shipped)]
    }

    private func receive(_ e: EPCISEvent, state: LedgerState, fail: (String, String) -> EPCISMappingProblem) throws(EPCISMappingProblem) -> [String: JSONValue] {
        let received = try lines(epcs: e.epcList, epcField: "epcList", quantities: e.quantityList, quantityField: "quantityList", fail: fail)
        guard !received.isEmpty else { throw fail("epcList", "names no lot to receive") }
        let sender = e.sourceList.isEmpty ? nil : try party(in: e.sourceList, field: "sourceList", fail: fail)
        var wanted: [LotID: Int64] = [:]
        for line in received { wanted[line.lot] = line.quantity.micro }
        // The shipment it receives: addressed to the importer, not yet received, with exactly these lines.
        let candidates = state.shipments.filter { id, s in
            s.recipient == actor && s.receivedBy == nil && s.lines == wanted && (sender.map { $0 == s.sender } ?? true)
        }
        guard let shipment = candidates.keys.min() else {
            throw fail("epcList", "no shipment to \(actor) in the ledger, not yet received, carries exactly these lots and quantities")
        }
        var body: [String: JSONValue] = ["shipment": .string(shipment.hex), "lots": linesJSON(received)]
        if let location = e.bizLocation, location.utf8.count <= Limits.maxIdentifierBytes { body["storage"] = .string(location) }
        return body
    }

    private func aggregation(_ e: EPCISEvent, state: LedgerState, unpacking: Bool,
                             fail: (String, String) -> EPCISMappingProblem) throws(EPCISMappingProblem) -> [String: JSONValue] {
        guard let parentText = e.parentID else { throw fail("parentID", "required: HADIC packs into a named container") }
        let parent = try lot(parentText, field: "parentID", fail: fail)
        var children = try lines(epcs: e.childEPCs, epcField: "childEPCs", quantities: e.childQuantityList, quantityField: "childQuantityList", fail: fail)
        if children.isEmpty && unpacking {
            // EPCIS: a DELETE without children unpacks everything the parent holds.
            children = state.containment.filter { $0.key.parent == parent && $0.value > 0 }.sorted { $0.key.lot < $1.key.lot }.compactMap { k, micro in
                guard let record = state.lots[k.lot] else { return nil }
                let unit = record.dimension.displayUnit
                return Quantity(amount: Quantity.format(micro: micro, in: unit), unit: unit).map { LotQuantity(lot: k.lot, quantity: $0) }
            }
        }
        guard !children.isEmpty else { throw fail("childEPCs", unpacking ? "\(parent) holds nothing to unpack" : "names no child to pack") }
        return ["parent": .string(parent.rawValue), "children": linesJSON(children)]
    }

    private func transform(_ e: EPCISEvent, fail: (String, String) -> EPCISMappingProblem) throws(EPCISMappingProblem) -> [String: JSONValue] {
        let inputs = try lines(epcs: e.inputEPCList, epcField: "inputEPCList", quantities: e.inputQuantityList, quantityField: "inputQuantityList", fail: fail)
        let outputs = try lines(epcs: e.outputEPCList, epcField: "outputEPCList", quantities: e.outputQuantityList, quantityField: "outputQuantityList", fail: fail)
        guard !inputs.isEmpty else { throw fail("inputEPCList", "a TransformationEvent needs inputs for HADIC's lot.transform") }
        guard !outputs.isEmpty else { throw fail("outputEPCList", "a TransformationEvent needs outputs for HADIC's lot.transform") }
        var outs: [JSONValue] = []
        for (i, line) in outputs.enumerated() {
            let field = i < e.outputEPCList.count ? "outputEPCList[\(i)]" : "outputQuantityList[\(i - e.outputEPCList.count)].epcClass"
            let p = try product(of: line.lot, field: field, fail: fail)
            outs.append(.object(["lot": .string(line.lot.rawValue), "product": .string(p.product), "class": .string(p.materialClass),
                                 "quantity": line.quantity.json]))
        }
        var body: [String: JSONValue] = ["inputs": linesJSON(inputs), "outputs": .array(outs)]
        if let id = e.transformationID, id.utf8.count <= Limits.maxTextBytes { body["process"] = .string("EPCIS transformation \(id)") }
        body.merge(place(e.bizLocation)) { a, _ in a }
        return body
    }
}
