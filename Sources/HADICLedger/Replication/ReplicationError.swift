import HADICCore

/// Why a replica refused a block a peer offered. Nothing of a refused block is stored.
public enum ReplicationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The block does not follow this replica's head (a gap, or a height it already holds).
    case outOfOrder(expected: UInt64, got: UInt64)
    /// A block of another ledger, or a genesis block that does not hash to the ledger id.
    case wrongLedger(String)
    /// The header or checkpoint signature does not verify under the sequencer key named in genesis.
    case badSignature(height: UInt64, what: String)
    /// The header does not link to the block before it, or its sizes, times or root are wrong.
    case badHeader(height: UInt64, why: String)
    /// An event of the block fails to parse, is not canonical, or would be refused by admission.
    case badEvent(height: UInt64, index: UInt64, why: String)
    /// The local store failed.
    case storage(String)

    public var description: String {
        switch self {
        case .outOfOrder(let expected, let got): return "block \(got) does not follow this node's head (expected height \(expected))"
        case .wrongLedger(let why): return "wrong ledger: \(why)"
        case .badSignature(let height, let what): return "block \(height): \(what) does not verify under the sequencer key named in genesis"
        case .badHeader(let height, let why): return "block \(height): \(why)"
        case .badEvent(let height, let index, let why): return "block \(height), event at index \(index): \(why)"
        case .storage(let why): return "storage: \(why)"
        }
    }
}
