import HADICCore

/// Everything a backward trace shows, read in bulk: each lot's record, the event that made it,
/// and its ingredients (a transformation's inputs, or everything packed into a container) with
/// their quantities, for the whole upstream closure of one lot.
public struct IngredientGraph: Sendable {
    public struct Edge: Sendable {
        public let lot: LotID
        public let quantity: Quantity?
        public init(lot: LotID, quantity: Quantity?) { self.lot = lot; self.quantity = quantity }
    }

    public var records: [LotID: LotRecord] = [:]
    /// The making event of each lot that has one (its first create, produce or container row).
    public var origins: [LotID: TraceStep] = [:]
    /// Ingredients in ledger order of the making (or packing) events, then lot id order.
    public var ingredients: [LotID: [Edge]] = [:]

    public init() {}
}
