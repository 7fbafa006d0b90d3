import HADICCore

/// Proof of admission given to a submitter once the block holding the event is durable.
public struct Receipt: Equatable, Sendable {
    public let eventID: EventID
    public let leafIndex: UInt64
    public let blockHeight: UInt64

    public init(eventID: EventID, leafIndex: UInt64, blockHeight: UInt64) {
        self.eventID = eventID
        self.leafIndex = leafIndex
        self.blockHeight = blockHeight
    }
}
