import HADICCore

/// What the ledger needs from durable storage. One implementation is SQLite (HADICStore);
/// the protocol is the seam where another database can take over.
///
/// Guarantees an implementation must give: ``append(_:events:nodes:state:)`` is atomic and
/// durable when it returns (every row or none, fsync'd); rows of blocks and events are never
/// changed once written.
public protocol LedgerStore: AnyObject {
    func block(at height: UInt64) throws -> SealedBlock?
    func latestBlock() throws -> SealedBlock?
    /// The height of the latest block, without parsing it.
    func latestHeight() throws -> UInt64?
    func containsEvent(_ id: EventID) throws -> Bool
    /// Those of `ids` already in the ledger (one round trip for a whole batch).
    func knownEvents(among ids: [EventID]) throws -> Set<EventID>
    func event(id: EventID) throws -> StoredEvent?
    func event(at index: UInt64) throws -> StoredEvent?
    /// Leaf bytes of the events with leaf index in `range`, in order.
    func leaves(in range: Range<UInt64>) throws -> [[UInt8]]
    func events(in range: Range<UInt64>) throws -> [StoredEvent]
    func eventCount() throws -> UInt64
    func merkleNode(_ id: MerkleNodeID) throws -> [UInt8]?
    /// The stored ones of these nodes, read together (a proof's nodes).
    func merkleNodes(_ ids: [MerkleNodeID]) throws -> [MerkleNodeID: [UInt8]]
    /// Every stored Merkle node in (level, index) order.
    func forEachMerkleNode(_ body: (MerkleNode) throws -> Void) throws
    func loadState() throws -> LedgerState
    /// Writes the genesis block and the initial derived state.
    func initialize(genesis: SealedBlock, state: LedgerState) throws
    /// Writes one block, its events, the Merkle nodes they complete, and every derived row
    /// the state marks as touched: one transaction, durable on return.
    func append(_ block: SealedBlock, events: [StoredEvent], nodes: [MerkleNode], state: LedgerState) throws
    /// Writes several consecutive blocks (a replica catching up) and the derived rows `state`
    /// marks as touched by any of them: one transaction, durable on return.
    func append(blocks: [PendingBlock], state: LedgerState) throws
    /// A read-only view in which every read sees the same moment of the ledger, for checks that
    /// read a lot while a writer may be appending.
    func snapshot() throws -> any LedgerStore
    /// Every stored provenance-index row, in ``LotLink`` order.
    func forEachLotLink(_ body: (LotLink) throws -> Void) throws
    /// As ``forEachLotLink(_:)``, beside `expected` (in the same order): `body` gets nil
    /// instead of the n-th stored row when that row holds exactly what `expected[n]` is
    /// written as (then it reads as `expected[n]`, and need not be decoded), the row otherwise.
    func forEachLotLink(beside expected: [LotLink], _ body: (LotLink?) throws -> Void) throws
    /// Replaces every derived table (state, Merkle nodes, provenance index) with the given ones.
    func replaceDerived(state: LedgerState, nodes: [MerkleNode], links: [LotLink]) throws
}

/// One block to write with its events and the Merkle nodes they complete.
public struct PendingBlock: Sendable {
    public let block: SealedBlock
    public let events: [StoredEvent]
    public let nodes: [MerkleNode]
    public init(block: SealedBlock, events: [StoredEvent], nodes: [MerkleNode]) {
        self.block = block
        self.events = events
        self.nodes = nodes
    }
}

extension LedgerStore {
    /// One transaction per block: stores that can write several at once should override it
    /// (until they do, a crash may leave the derived rows ahead of the last block written).
    public func append(blocks: [PendingBlock], state: LedgerState) throws {
        for b in blocks { try append(b.block, events: b.events, nodes: b.nodes, state: state) }
    }

    /// For stores that keep each ``StoredEvent`` as written, links included.
    public func forEachLotLink(_ body: (LotLink) throws -> Void) throws {
        var links: [LotLink] = []
        for e in try events(in: 0..<eventCount()) { links.append(contentsOf: e.links) }
        for link in links.sorted() { try body(link) }
    }

    /// Stores that cannot compare a row unread give every row.
    public func forEachLotLink(beside expected: [LotLink], _ body: (LotLink?) throws -> Void) throws {
        try forEachLotLink { try body($0) }
    }

    /// Stores that only change through this process can be their own snapshot.
    public func snapshot() throws -> any LedgerStore { self }

    public func latestHeight() throws -> UInt64? { try latestBlock()?.height }

    /// One lookup per node; stores that can read several in one round trip should override it.
    public func merkleNodes(_ ids: [MerkleNodeID]) throws -> [MerkleNodeID: [UInt8]] {
        var found: [MerkleNodeID: [UInt8]] = [:]
        for id in ids { found[id] = try merkleNode(id) }
        return found
    }

    /// One lookup per id; stores that can answer a whole batch at once should override it.
    public func knownEvents(among ids: [EventID]) throws -> Set<EventID> {
        var known = Set<EventID>()
        for id in ids where try containsEvent(id) { known.insert(id) }
        return known
    }
}
