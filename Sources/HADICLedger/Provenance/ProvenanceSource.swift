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
    func event(at index: UInt64) throws -> StoredEvent?
    /// An event's stored columns; its leaf bytes may be left out (a trace step needs no more).
    func eventHeader(at index: UInt64) throws -> StoredEvent?
    /// The whole ingredient graph behind `lot` in a few bulk reads, if the source can (a store
    /// walks it inside SQLite); nil makes a trace walk lot by lot.
    func ingredientGraph(of lot: LotID) throws -> IngredientGraph?
    func lot(_ id: LotID) throws -> LotRecord?
}

extension ProvenanceSource {
    public func eventHeader(at index: UInt64) throws -> StoredEvent? { try event(at: index) }
    public func ingredientGraph(of lot: LotID) throws -> IngredientGraph? { nil }

    public func links(of lot: LotID, roles: Set<LotLink.Role>) throws -> [LotLink] {
        try links(of: lot).filter { roles.contains($0.role) }
    }
}
