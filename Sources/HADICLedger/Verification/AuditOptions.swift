/// How much `LedgerVerifier.audit` checks and how long it goes on.
public struct AuditOptions: Sendable {
    /// Also parse every event, verify its signature and replay every admission rule (what
    /// `hadic verify --full` and `hadic audit` do); false checks the block chain and Merkle tree only.
    public var full: Bool
    /// Stop after this many failures (`hadic verify` stops at the first). Failures that leave
    /// nothing after them checkable (a Merkle root that no longer matches, a missing block)
    /// stop the audit at once whatever the limit.
    public var maxFailures: Int
    /// A signed checkpoint note the caller audited before: check it under the ledger's
    /// sequencer key, prove it a prefix of the head, and check in full only what came after
    /// (the prefix is replayed to rebuild the state, its leaves re-hashed, nothing re-verified).
    public var since: String?
    /// Compare the store's derived tables (Merkle nodes, provenance index, state) with the
    /// replay. False for a ledger downloaded from a node, which has none.
    public var derivedTables: Bool

    public init(full: Bool = true, maxFailures: Int = 100, since: String? = nil, derivedTables: Bool = true) {
        self.full = full
        self.maxFailures = max(1, maxFailures)
        self.since = since
        self.derivedTables = derivedTables
    }
}
