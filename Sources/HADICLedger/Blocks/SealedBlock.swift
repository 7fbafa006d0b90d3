import HADICCore

/// A block as stored: its header bytes, the sequencer's signature over the header's signing
/// input, and the signed checkpoint note for the tree it commits to.
public struct SealedBlock: Sendable {
    public let header: BlockHeader
    public let signature: [UInt8]
    public let checkpoint: String

    public init(header: BlockHeader, signature: [UInt8], checkpoint: String) {
        self.header = header
        self.signature = signature
        self.checkpoint = checkpoint
    }

    public var height: UInt64 { header.height }
}

/// An admitted event as stored: its leaf index, the block holding it, and its leaf bytes.
public struct StoredEvent: Sendable {
    public let index: UInt64
    public let id: EventID
    public let block: UInt64
    public let type: EventType
    public let actor: PartyID
    public let time: Timestamp
    public let leafBytes: [UInt8]
    /// The provenance-index rows of this event, when it is being written (empty when read back).
    public let links: [LotLink]

    public init(index: UInt64, id: EventID, block: UInt64, type: EventType, actor: PartyID, time: Timestamp, leafBytes: [UInt8],
                links: [LotLink] = []) {
        self.index = index
        self.id = id
        self.block = block
        self.type = type
        self.actor = actor
        self.time = time
        self.leafBytes = leafBytes
        self.links = links
    }
}
