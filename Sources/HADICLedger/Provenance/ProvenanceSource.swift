import HADICCore

/// The reads a provenance query needs: the provenance index both ways, the events it points to,
/// and what each lot is. Every call is an index lookup, never a scan of the events.
public protocol ProvenanceSource {
    /// The index rows of one lot, in ledger order.
    func links(of lot: LotID) throws -> [LotLink]
    /// The index rows of one lot with one of these roles, in ledger order.
    func links(of lot: LotID, roles: Set<LotLink.Role>) throws -> [LotLink]
    /// The index rows of one event.
    func links(at leafIndex: UInt64) throws -> [LotLink]
    /// A lot's record and its own story together (a store answers in one query), nil if the
    /// lot is unknown. The story is its rows in the roles of ``LotLink/Role/story``: its
    /// making, packings and unpackings, inspections, incidents and recalls, in ledger order;
    /// not its custody rows, nor its uses in other lots.
    func lotAndStory(_ lot: LotID) throws -> (record: LotRecord, story: [LotLink])?
    /// The `custody.receive` rows of one lot by one party, in ledger order, each with the lot's
    /// row in the shipment it took in (nil if none is stored): a store answers in one query.
    func receiptsWithShipments(of lot: LotID, by party: PartyID) throws -> [(receipt: LotLink, ship: LotLink?)]
    /// A transformation's input and output lines (a store answers in one query).
    func transformLines(at leafIndex: UInt64) throws -> (inputs: [EventLine], outputs: [EventLine])
    /// The `custody.ship` row of one lot in the shipment with this event id, if any.
    func shipment(_ id: EventID, of lot: LotID) throws -> LotLink?
    /// The lot lines of one event in one role (`consumed`, `packed` or `produced`), in lot order.
    func lines(at leafIndex: UInt64, role: LotLink.Role) throws -> [EventLine]
    func event(at index: UInt64) throws -> StoredEvent?
    /// One lot as a backward trace shows it (a store answers in one query).
    func ingredientNode(of lot: LotID) throws -> IngredientNode
    func lot(_ id: LotID) throws -> LotRecord?
}

extension ProvenanceSource {
    public func lotAndStory(_ lot: LotID) throws -> (record: LotRecord, story: [LotLink])? {
        guard let record = try self.lot(lot) else { return nil }
        return (record, try links(of: lot, roles: LotLink.Role.story))
    }

    public func receiptsWithShipments(of lot: LotID, by party: PartyID) throws -> [(receipt: LotLink, ship: LotLink?)] {
        try links(of: lot, roles: [.received]).filter { $0.actor == party }.map { r in
            (r, try r.shipment.flatMap { try shipment($0, of: lot) })
        }
    }

    public func transformLines(at leafIndex: UInt64) throws -> (inputs: [EventLine], outputs: [EventLine]) {
        (try lines(at: leafIndex, role: .consumed), try lines(at: leafIndex, role: .produced))
    }

    public func shipment(_ id: EventID, of lot: LotID) throws -> LotLink? {
        try links(of: lot, roles: [.shipped]).first { $0.event.id == id }
    }

    public func lines(at leafIndex: UInt64, role: LotLink.Role) throws -> [EventLine] {
        try links(at: leafIndex).filter { $0.role == role }.sorted().map { EventLine(lot: $0.lot, role: $0.role, quantity: $0.quantity) }
    }

    public func ingredientNode(of lot: LotID) throws -> IngredientNode {
        let making = try links(of: lot, roles: [.created, .produced, .container])
        guard let origin = making.first else { return IngredientNode(record: try self.lot(lot), step: nil, ingredients: []) }
        var lines: [EventLine] = []
        switch origin.role {
        case .produced: lines = try self.lines(at: origin.leafIndex, role: .consumed)
        case .container:
            // Everything ever packed into this container.
            for packing in making where packing.role == .container { lines += try self.lines(at: packing.leafIndex, role: .packed) }
        default: break
        }
        return IngredientNode(record: try self.lot(lot), step: TraceStep(origin),
                              ingredients: lines.map { IngredientNode.Edge(lot: $0.lot, quantity: $0.quantity) })
    }

    public func links(of lot: LotID, roles: Set<LotLink.Role>) throws -> [LotLink] {
        try links(of: lot).filter { roles.contains($0.role) }
    }
}
