import HADICCore

/// What a backward trace shows of one lot: what it is, the event that made it, and its
/// ingredients (a transformation's inputs, or everything packed into a container) with their
/// quantities. Fixed once the lot is made, except a container's, which grows with each packing.
public struct IngredientNode: Sendable {
    public struct Edge: Sendable {
        public let lot: LotID
        public let quantity: Quantity?
        public init(lot: LotID, quantity: Quantity?) { self.lot = lot; self.quantity = quantity }
    }

    public let record: LotRecord?
    /// The making event (its first create, produce or container row); nil if the ledger has none.
    public let step: TraceStep?
    /// In ledger order of the making (or packing) events, then lot id order.
    public let ingredients: [Edge]

    public init(record: LotRecord?, step: TraceStep?, ingredients: [Edge]) {
        self.record = record
        self.step = step
        self.ingredients = ingredients
    }
}
