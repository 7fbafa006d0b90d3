/// Why a Merkle proof could not be made or did not verify.
public enum MerkleProofError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The leaf index is not below the tree size.
    case leafIndexOutOfRange(index: UInt64, treeSize: UInt64)
    /// A consistency proof's older size is larger than its newer one.
    case sizesOutOfOrder(old: UInt64, new: UInt64)
    /// The tree asked for is larger than the stored tree.
    case treeSizeBeyondLedger(requested: UInt64, stored: UInt64)
    /// The proof has more hashes than the tree sizes allow.
    case proofTooLong
    /// The proof has fewer hashes than the tree sizes need.
    case proofTooShort
    /// A proof hash is not 32 bytes.
    case malformedHash(position: Int)
    /// An inclusion proof leads to another root than the one expected.
    case rootMismatch
    /// A consistency proof does not lead to the older tree's root.
    case oldRootMismatch
    /// A consistency proof does not lead to the newer tree's root.
    case newRootMismatch
    /// A node the proof needs is not stored (the derived table is incomplete: `hadic verify`).
    case missingNode(MerkleNodeID)

    public var description: String {
        switch self {
        case .leafIndexOutOfRange(let i, let n): return "leaf index \(i) is not in a tree of size \(n)"
        case .sizesOutOfOrder(let old, let new): return "consistency asked from size \(old) to the smaller size \(new)"
        case .treeSizeBeyondLedger(let r, let s): return "tree size \(r) is beyond the ledger's \(s) events"
        case .proofTooLong: return "proof has more hashes than the tree sizes allow"
        case .proofTooShort: return "proof has fewer hashes than the tree sizes need"
        case .malformedHash(let p): return "proof hash \(p + 1) is not 32 bytes"
        case .rootMismatch: return "inclusion proof does not lead to the tree's root"
        case .oldRootMismatch: return "consistency proof does not lead to the older tree's root"
        case .newRootMismatch: return "consistency proof does not lead to the newer tree's root"
        case .missingNode(let id): return "stored Merkle node \(id) is missing"
        }
    }
}
