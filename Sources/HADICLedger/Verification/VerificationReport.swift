/// What a verification covered, and what it found wrong.
///
/// `LedgerVerifier.verify` returns one only when `failures` is empty (it throws the first
/// failure otherwise); `LedgerVerifier.audit` always returns one, with every failure it found
/// up to its limit. Counts cover the blocks and events checked: with `since`, the new ones only
/// (`prefixEvents` counts the audited prefix, replayed without checking signatures or rules).
public struct VerificationReport: Equatable, Sendable {
    public var full: Bool
    public var blocks: UInt64 = 0
    public var events: UInt64 = 0
    public var merkleNodes: UInt64 = 0
    public var signaturesChecked: UInt64 = 0
    public var parties: Int = 0
    public var certificates: Int = 0
    public var lots: Int = 0
    public var treeSize: UInt64 = 0
    public var root: [UInt8] = []
    /// The head block's height and signed checkpoint note (empty when the audit stopped before).
    public var headHeight: UInt64 = 0
    public var headCheckpoint: String = ""
    /// The first block checked (1 for a whole ledger, the one after the audited prefix with `since`).
    public var firstHeight: UInt64 = 1
    /// Events replayed from an audited prefix without checking signatures or rules (`since`).
    public var prefixEvents: UInt64 = 0
    /// The audited checkpoint `since` named (nil without `since`).
    public var since: Checkpoint?
    /// The consistency proof from the `since` checkpoint's tree to the head's, read from the
    /// stored Merkle nodes and verified against both signed roots; nil without `since`.
    public var consistencyProof: ConsistencyProof?
    public var failures: [VerificationFailure] = []
    /// True when the audit stopped at its failure limit (there may be more).
    public var failuresTruncated = false

    public init(full: Bool) { self.full = full }

    public var intact: Bool { failures.isEmpty }
}
