/// Something found wrong in a ledger: where (a block, an event, a stored node or a derived
/// table), what, and which check found it.
///
/// `location` and `problem` are the text `hadic verify` prints; the other fields say the same
/// for a machine (the audit report's JSON): `check` is one of ``VerificationFailure/Check``,
/// `block` the height concerned, `leafIndex` and `eventID` the event, `rule` the admission rule
/// an event breaks (docs/EVENTS.md), `evidence` the two signed notes of a fork.
public struct VerificationFailure: Error, Equatable, Sendable, CustomStringConvertible {
    public let location: String
    public let problem: String
    public let check: Check
    public let block: UInt64?
    public let leafIndex: UInt64?
    public let eventID: String?
    public let rule: String?
    /// For a fork: the two signed checkpoint notes that no single history explains.
    public let evidence: [String]

    /// What was checked, by a stable name (the audit report's `check` field, docs/AUDIT.md).
    public enum Check: String, Sendable, CaseIterable {
        case store, trustedKey = "trusted-key", blockMissing = "block-missing", blockHeader = "block-header"
        case blockLink = "block-link", blockTime = "block-time", blockSize = "block-size"
        case headerSignature = "header-signature", checkpoint, merkleRoot = "merkle-root", eventCount = "event-count"
        case eventBlock = "event-block", eventLeaf = "event-leaf", eventParse = "event-parse", eventCanonical = "event-canonical"
        case eventID = "event-id", eventColumns = "event-columns", admission, eventsTable = "events-table"
        case merkleNode = "merkle-node", derivedTable = "derived-table"
        case sinceCheckpoint = "since-checkpoint", fork, consistencyProof = "consistency-proof"
    }

    public init(_ location: String, _ problem: String, check: Check = .store, block: UInt64? = nil,
                leafIndex: UInt64? = nil, eventID: String? = nil, rule: String? = nil, evidence: [String] = []) {
        self.location = location
        self.problem = problem
        self.check = check
        self.block = block
        self.leafIndex = leafIndex
        self.eventID = eventID
        self.rule = rule
        self.evidence = evidence
    }

    /// A failure of block `height` as a whole.
    public static func block(_ height: UInt64, _ check: Check, _ problem: String) -> VerificationFailure {
        VerificationFailure("block \(height)", problem, check: check, block: height)
    }

    /// A failure of one stored event.
    public static func event(_ e: StoredEvent, _ check: Check, _ problem: String, rule: String? = nil) -> VerificationFailure {
        VerificationFailure("event \(e.id) (index \(e.index), block \(e.block))", problem, check: check, block: e.block,
                            leafIndex: e.index, eventID: e.id.hex, rule: rule)
    }

    public var description: String { "\(location): \(problem)" }
}
