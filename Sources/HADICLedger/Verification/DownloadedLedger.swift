import HADICCore

/// A ledger's blocks and events as a node sent them, held in memory for `hadic audit --node`
/// to verify without trusting the node.
///
/// It stores exactly the bytes received (headers, signatures, checkpoint notes, leaves) in the
/// order received; its event columns and Merkle nodes are computed from those bytes, never taken
/// from the node, so the verifier checks them like any store's. It has no derived tables
/// (audit it with `derivedTables: false`) and refuses every write.
public final class DownloadedLedger: LedgerStore {
    private let blocks: [SealedBlock]
    private let events: [StoredEvent]
    private let idIndex: [EventID: Int]
    private let nodes: [[[UInt8]]]

    /// One block as received: its header parsed, and its events' leaf bytes.
    public struct ReceivedBlock: Sendable {
        public let block: SealedBlock
        public let leaves: [[UInt8]]
        public init(block: SealedBlock, leaves: [[UInt8]]) {
            self.block = block
            self.leaves = leaves
        }
    }

    /// Parses every leaf (on every core) for the event columns. A leaf that does not parse is a
    /// failure of the node's copy, named by block and leaf index.
    public init(_ received: [ReceivedBlock]) throws(VerificationFailure) {
        var located: [(block: UInt64, index: UInt64, leaf: [UInt8])] = []
        for r in received {
            for leaf in r.leaves { located.append((r.block.height, UInt64(located.count), leaf)) }
        }
        let parsed = parallelMap(located) { item in
            Result { () throws(AdmissionError) -> EventEnvelope in try EventEnvelope.parse(item.leaf) }
        }
        var events: [StoredEvent] = []
        var frontier = MerkleFrontier()
        var nodes: [[[UInt8]]] = []
        events.reserveCapacity(located.count)
        for (item, result) in zip(located, parsed) {
            switch result {
            case .success(let e):
                events.append(StoredEvent(index: item.index, id: e.id, block: item.block, type: e.type, actor: e.actor, time: e.time, leafBytes: item.leaf))
            case .failure(let error):
                throw VerificationFailure("event at index \(item.index) (block \(item.block))", "does not parse: \(error)",
                                          check: .eventParse, block: item.block, leafIndex: item.index, rule: error.rule.rawValue)
            }
            for node in frontier.append(leafHash: MerkleHash.leaf(item.leaf)) {
                while nodes.count <= node.id.level { nodes.append([]) }
                nodes[node.id.level].append(node.hash)
            }
        }
        blocks = received.map(\.block)
        self.events = events
        self.nodes = nodes
        idIndex = Dictionary(events.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func block(at height: UInt64) throws -> SealedBlock? {
        // Blocks are found by position; the verifier checks each one's height.
        height < UInt64(blocks.count) ? blocks[Int(height)] : nil
    }
    public func latestBlock() throws -> SealedBlock? { blocks.last }
    public func latestHeight() throws -> UInt64? { blocks.isEmpty ? nil : UInt64(blocks.count - 1) }
    public func containsEvent(_ id: EventID) throws -> Bool { idIndex[id] != nil }
    public func event(id: EventID) throws -> StoredEvent? { idIndex[id].map { events[$0] } }
    public func event(at index: UInt64) throws -> StoredEvent? { index < UInt64(events.count) ? events[Int(index)] : nil }
    public func leaves(in range: Range<UInt64>) throws -> [[UInt8]] { try events(in: range).map(\.leafBytes) }
    public func events(in range: Range<UInt64>) throws -> [StoredEvent] {
        let upper = min(range.upperBound, UInt64(events.count))
        guard range.lowerBound < upper else { return [] }
        return Array(events[Int(range.lowerBound)..<Int(upper)])
    }
    public func eventCount() throws -> UInt64 { UInt64(events.count) }
    public func merkleNode(_ id: MerkleNodeID) throws -> [UInt8]? {
        guard id.level < nodes.count, id.index < UInt64(nodes[id.level].count) else { return nil }
        return nodes[id.level][Int(id.index)]
    }
    public func forEachMerkleNode(_ body: (MerkleNode) throws -> Void) throws {
        for (level, hashes) in nodes.enumerated() {
            for (i, h) in hashes.enumerated() { try body(MerkleNode(id: MerkleNodeID(level: level, index: UInt64(i)), hash: h)) }
        }
    }
    public func loadState() throws -> LedgerState { throw LedgerError.storage("a downloaded ledger has no derived tables") }
    public func initialize(genesis: SealedBlock, state: LedgerState) throws { throw readOnly }
    public func append(_ block: SealedBlock, events: [StoredEvent], nodes: [MerkleNode], state: LedgerState) throws { throw readOnly }
    public func replaceDerived(state: LedgerState, nodes: [MerkleNode], links: [LotLink]) throws { throw readOnly }
    public func forEachLotLink(_ body: (LotLink) throws -> Void) throws { throw readOnly }

    private var readOnly: LedgerError { LedgerError.storage("a downloaded ledger is read-only") }
}
