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
    /// A lot's own story, in ledger order: the rows of its making, packings and unpackings,
    /// inspections, incidents and recalls; not its custody rows, nor its uses in other lots.
    func story(of lot: LotID) throws -> [LotLink]
    /// The `custody.receive` rows of one lot by one party, in ledger order.
    func receipts(of lot: LotID, by party: PartyID) throws -> [LotLink]
    /// The `custody.ship` row of one lot in the shipment with this event id, if any.
    func shipment(_ id: EventID, of lot: LotID) throws -> LotLink?
    /// The lot lines of one event in one role (`consumed`, `packed` or `produced`), in lot order.
    func lines(at leafIndex: UInt64, role: LotLink.Role) throws -> [EventLine]
    func event(at index: UInt64) throws -> StoredEvent?
    /// The whole ingredient graph behind `lot` in a few bulk reads, if the source can (a store
    /// walks it inside SQLite); nil makes a trace walk lot by lot.
    func ingredientGraph(of lot: LotID) throws -> IngredientGraph?
    func lot(_ id: LotID) throws -> LotRecord?
}

extension ProvenanceSource {
    public func story(of lot: LotID) throws -> [LotLink] {
        try links(of: lot, roles: LotLink.Role.story)
    }

    public func receipts(of lot: LotID, by party: PartyID) throws -> [LotLink] {
        try links(of: lot, roles: [.received]).filter { $0.actor == party }
    }

    public func shipment(_ id: EventID, of lot: LotID) throws -> LotLink? {
        try links(of: lot, roles: [.shipped]).first { $0.event.id == id }
    }

    public func lines(at leafIndex: UInt64, role: LotLink.Role) throws -> [EventLine] {
        try links(at: leafIndex).filter { $0.role == role }.sorted().map { EventLine(lot: $0.lot, role: $0.role, quantity: $0.quantity) }
    }
    public func ingredientGraph(of lot: LotID) throws -> IngredientGraph? { nil }

    public func links(of lot: LotID, roles: Set<LotLink.Role>) throws -> [LotLink] {
        try links(of: lot).filter { roles.contains($0.role) }
    }
}
