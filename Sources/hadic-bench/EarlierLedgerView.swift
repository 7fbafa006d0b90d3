import HADICCore
import HADICLedger

/// A store read as if it held only its first `size` events, for evidence loaded at that size
/// (``LedgerEvidence`` reads its tree size from the source and ignores every later row): what a
/// node started before the last blocks holds, which ``LedgerEvidence/advance(to:)`` then moves
/// to the store's real size. Every other read goes to the store unchanged.
struct EarlierLedgerView: AssessmentSource {
    let store: any AssessmentSource
    let size: UInt64

    func treeSize() throws -> UInt64 { size }
    func consistentReads<T>(_ body: (any AssessmentSource) throws -> T) throws -> T {
        try store.consistentReads { try body(EarlierLedgerView(store: $0, size: size)) }
    }
    func events(ofTypes types: [EventType]) throws -> [StoredEvent] { try store.events(ofTypes: types) }
    func event(id: EventID) throws -> StoredEvent? { try store.event(id: id) }
    func lots(ofClasses classes: [String]) throws -> [LotID] { try store.lots(ofClasses: classes) }
    func party(_ id: PartyID) throws -> PartyRecord? { try store.party(id) }
    func key(_ keyID: String) throws -> KeyRecord? { try store.key(keyID) }
    func everyLot(_ body: (LotID, LotRecord, [LotLink]) throws -> Void) throws { try store.everyLot(body) }
    func links(of lot: LotID) throws -> [LotLink] { try store.links(of: lot) }
    func links(of lot: LotID, roles: Set<LotLink.Role>) throws -> [LotLink] { try store.links(of: lot, roles: roles) }
    func links(at leafIndex: UInt64) throws -> [LotLink] { try store.links(at: leafIndex) }
    func lotAndStory(_ lot: LotID) throws -> (record: LotRecord, story: [LotLink])? { try store.lotAndStory(lot) }
    func receiptsWithShipments(of lot: LotID, by party: PartyID) throws -> [(receipt: LotLink, ship: LotLink?)] {
        try store.receiptsWithShipments(of: lot, by: party)
    }
    func transformLines(at leafIndex: UInt64) throws -> (inputs: [EventLine], outputs: [EventLine]) { try store.transformLines(at: leafIndex) }
    func shipment(_ id: EventID, of lot: LotID) throws -> LotLink? { try store.shipment(id, of: lot) }
    func lines(at leafIndex: UInt64, role: LotLink.Role) throws -> [EventLine] { try store.lines(at: leafIndex, role: role) }
    func event(at index: UInt64) throws -> StoredEvent? { try store.event(at: index) }
    func ingredientNode(of lot: LotID) throws -> IngredientNode { try store.ingredientNode(of: lot) }
    func lot(_ id: LotID) throws -> LotRecord? { try store.lot(id) }
}
