import HADICCore

/// The reads an assessment needs beyond the provenance index: the few events of the policy,
/// certificate and cleansing types, lots by material class, and party and key records. Each is
/// an index lookup.
public protocol AssessmentSource: ProvenanceSource {
    /// The stored events of these types, in ledger order.
    func events(ofTypes types: [EventType]) throws -> [StoredEvent]
    func event(id: EventID) throws -> StoredEvent?
    /// The lots (not containers) of these material classes.
    func lots(ofClasses classes: [String]) throws -> [LotID]
    func party(_ id: PartyID) throws -> PartyRecord?
    func key(_ keyID: String) throws -> KeyRecord?
    /// How many events the ledger holds.
    func treeSize() throws -> UInt64
    /// Every lot with its record and all its index rows (each lot's in ledger order), one lot
    /// at a time: what a node loads into memory (``ProvenanceCache/preload(from:)``).
    func everyLot(_ body: (LotID, LotRecord, [LotLink]) throws -> Void) throws
    /// Runs `body` with reads that all see one state of the ledger (a store runs them in one
    /// read transaction); an in-memory source may pass itself.
    func consistentReads<T>(_ body: (any AssessmentSource) throws -> T) throws -> T
    /// The event imported from EPCIS with this event hash URI, and its leaf index (what an error
    /// declaration's corrective events are linked by).
    func eventCarrying(epcisHash: String) throws -> (event: EventID, leafIndex: UInt64)?
}

extension AssessmentSource {
    /// Sources without the EPCIS hash table (a bundle, a bench view) link no corrective event.
    public func eventCarrying(epcisHash: String) throws -> (event: EventID, leafIndex: UInt64)? { nil }
}

/// Why an assessment could not be made (as opposed to a rule failing).
public enum AssessmentError: Error, CustomStringConvertible {
    case unknownLot(LotID)
    /// The lot exists, but was made after the time asked.
    case madeAfter(LotID, Timestamp)
    case policy(PolicyError)
    case corrupt(String)

    public var description: String {
        switch self {
        case .unknownLot(let l): return "lot \(l) is not in the ledger"
        case .madeAfter(let l, let t): return "lot \(l) was made after \(t); nothing to assess at that time"
        case .policy(let p): return p.description
        case .corrupt(let s): return "the ledger's stored data is inconsistent: \(s); run `hadic verify --full`"
        }
    }
}
