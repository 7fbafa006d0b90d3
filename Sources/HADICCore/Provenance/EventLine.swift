/// One lot line of an event: which lot, in which role, and how much; a provenance-index row
/// without its event's facts (what walking a transformation's inputs and outputs needs).
public struct EventLine: Hashable, Sendable {
    public let lot: LotID
    public let role: LotLink.Role
    public let quantity: Quantity?

    public init(lot: LotID, role: LotLink.Role, quantity: Quantity?) {
        self.lot = lot
        self.role = role
        self.quantity = quantity
    }
}
