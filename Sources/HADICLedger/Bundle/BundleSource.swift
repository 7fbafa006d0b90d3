import HADICCore

/// The ledger as a verified bundle shows it: an ``AssessmentSource`` over the bundle's events
/// alone, so that `hadic verify-bundle` assesses a lot with the same code as `hadic assess`.
///
/// Every read is answered from the bundle's events: provenance rows are derived from each
/// event (``LotLink/links(of:at:)``), records of lots, parties and keys by applying the events
/// that create them in ledger order. A read about something the bundle leaves out answers as if
/// the ledger had none of it; which events a bundle carries is ``BundleBuilder``'s concern.
public final class BundleSource: AssessmentSource {
    private let events: [UInt64: StoredEvent]
    private let byID: [EventID: UInt64]
    private let rowsByLot: [LotID: [LotLink]]
    private let rowsByEvent: [UInt64: [LotLink]]
    private let state: LedgerState
    private let size: UInt64

    public init(_ verified: BundleVerifier.Verified) {
        var events: [UInt64: StoredEvent] = [:], byID: [EventID: UInt64] = [:]
        var state = verified.genesis.initialState
        for (index, e) in verified.events {
            events[index] = StoredEvent(index: index, id: e.id, block: 0, type: e.type, actor: e.actor, time: e.time, leafBytes: e.leafBytes)
            byID[e.id] = index
            switch e.type {
            // The records an assessment reads: parties, keys, certificates, lots and recalls.
            case .partyRegister, .partyRotateKey, .partyRevoke, .certIssue, .certSuspend, .certRevoke,
                 .lotCreate, .lotTransform, .lotAggregate, .lotRecall:
                Admission.apply(e, to: &state)
            default: break
            }
        }
        self.events = events
        self.byID = byID
        rowsByLot = verified.rowsByLot.mapValues { $0.sorted() }
        rowsByEvent = verified.rowsByEvent.mapValues { $0.sorted() }
        self.state = state
        size = verified.checkpoint.size
    }

    public func links(of lot: LotID) throws -> [LotLink] { rowsByLot[lot] ?? [] }
    public func links(at leafIndex: UInt64) throws -> [LotLink] { rowsByEvent[leafIndex] ?? [] }
    public func event(at index: UInt64) throws -> StoredEvent? { events[index] }
    public func event(id: EventID) throws -> StoredEvent? { byID[id].flatMap { events[$0] } }
    public func lot(_ id: LotID) throws -> LotRecord? { state.lots[id] }
    public func party(_ id: PartyID) throws -> PartyRecord? { state.parties[id] }
    public func key(_ keyID: String) throws -> KeyRecord? { state.keys[keyID] }
    public func treeSize() throws -> UInt64 { size }

    public func events(ofTypes types: [EventType]) throws -> [StoredEvent] {
        let wanted = Set(types)
        return events.keys.sorted().compactMap { events[$0] }.filter { wanted.contains($0.type) }
    }

    public func lots(ofClasses classes: [String]) throws -> [LotID] {
        let wanted = Set(classes)
        return state.lots.filter { $0.value.kind == .lot && wanted.contains($0.value.materialClass) }.map(\.key).sorted { $0.rawValue < $1.rawValue }
    }

    public func everyLot(_ body: (LotID, LotRecord, [LotLink]) throws -> Void) throws {
        for (id, record) in state.lots.sorted(by: { $0.key.rawValue < $1.key.rawValue }) { try body(id, record, rowsByLot[id] ?? []) }
    }

    public func consistentReads<T>(_ body: (any AssessmentSource) throws -> T) throws -> T { try body(self) }
}
