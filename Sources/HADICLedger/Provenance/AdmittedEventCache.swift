import HADICCore

/// Events already read by earlier queries of this process, by leaf index.
///
/// An admitted event never changes, so an entry is never stale, however the ledger grows; a
/// node (or a benchmark) answering many queries reads each event once. Bounded: when full it
/// is emptied and refills with what queries touch next. Entries keep the event's body, not its
/// leaf bytes (a signature re-check reads those again).
public final class AdmittedEventCache {
    public let capacity: Int
    private var entries: [UInt64: ClosureEvent] = [:]
    public private(set) var hits = 0
    public private(set) var misses = 0

    public init(capacity: Int = 250_000) { self.capacity = capacity }

    func event(at index: UInt64, from source: any ProvenanceSource) throws -> ClosureEvent {
        if let e = entries[index] {
            hits += 1
            return e
        }
        misses += 1
        guard let stored = try source.event(at: index) else { throw LedgerError.corrupt("the index names event \(index), which is not stored") }
        let admitted: AdmittedEvent
        do {
            admitted = try AdmittedEvent(leafBytes: stored.leafBytes, type: stored.type)
        } catch {
            throw LedgerError.corrupt("event \(stored.id) does not parse: \(error)")
        }
        let e = ClosureEvent(stored: StoredEvent(index: stored.index, id: stored.id, block: stored.block, type: stored.type,
                                                 actor: stored.actor, time: stored.time, leafBytes: []),
                             keyID: admitted.keyID, body: admitted.body)
        if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
        entries[index] = e
        return e
    }
}
