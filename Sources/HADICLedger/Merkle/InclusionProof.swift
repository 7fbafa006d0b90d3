/// An RFC 9162 inclusion proof (section 2.1.3): the audit path of the leaf at `leafIndex` in the
/// tree of the first `treeSize` leaves, from the leaf's sibling up to a child of the root.
///
/// Checking it needs only the leaf hash and the tree's root (from a signed checkpoint): no
/// access to the ledger.
public struct InclusionProof: Equatable, Sendable {
    public let leafIndex: UInt64
    public let treeSize: UInt64
    public let hashes: [[UInt8]]

    public init(leafIndex: UInt64, treeSize: UInt64, hashes: [[UInt8]]) {
        self.leafIndex = leafIndex
        self.treeSize = treeSize
        self.hashes = hashes
    }

    /// The root the proof leads to from `leafHash` (RFC 9162 2.1.3.2, steps 1-5).
    public func root(fromLeafHash leafHash: [UInt8]) throws(MerkleProofError) -> [UInt8] {
        guard leafIndex < treeSize else { throw .leafIndexOutOfRange(index: leafIndex, treeSize: treeSize) }
        var fn = leafIndex, sn = treeSize - 1
        var r = leafHash
        for (position, p) in hashes.enumerated() {
            guard p.count == 32 else { throw .malformedHash(position: position) }
            guard sn != 0 else { throw .proofTooLong }
            if fn & 1 == 1 || fn == sn {
                r = MerkleHash.node(p, r)
                // The right edge of an incomplete tree: climb past the levels where it has no sibling.
                while fn & 1 == 0 && fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            } else {
                r = MerkleHash.node(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else { throw .proofTooShort }
        return r
    }

    /// Checks that the leaf hashing to `leafHash` is at ``leafIndex`` in the tree of ``treeSize``
    /// leaves whose root is `root` (RFC 9162 2.1.3.2, step 6).
    public func verify(leafHash: [UInt8], root: [UInt8]) throws(MerkleProofError) {
        guard try self.root(fromLeafHash: leafHash) == root else { throw .rootMismatch }
    }
}
