/// An RFC 9162 consistency proof (section 2.1.4): the hashes showing that the tree of the
/// first `oldSize` leaves is a prefix of the tree of the first `newSize` leaves — that the
/// ledger between two checkpoints was only appended to.
public struct ConsistencyProof: Equatable, Sendable {
    public let oldSize: UInt64
    public let newSize: UInt64
    public let hashes: [[UInt8]]

    public init(oldSize: UInt64, newSize: UInt64, hashes: [[UInt8]]) {
        self.oldSize = oldSize
        self.newSize = newSize
        self.hashes = hashes
    }

    /// Checks the proof against the two trees' roots.
    ///
    /// For 0 < oldSize < newSize this is RFC 9162 2.1.4.2 step by step. The RFC leaves out the
    /// two trivial cases, which take an empty proof: the empty tree is a prefix of every tree,
    /// and a tree is consistent with itself only if the roots are equal.
    public func verify(oldRoot: [UInt8], newRoot: [UInt8]) throws(MerkleProofError) {
        guard oldSize <= newSize else { throw .sizesOutOfOrder(old: oldSize, new: newSize) }
        if oldSize == 0 || oldSize == newSize {
            guard hashes.isEmpty else { throw .proofTooLong }
            if oldSize == 0 { guard oldRoot == MerkleHash.emptyRoot else { throw .oldRootMismatch } }
            if oldSize == newSize { guard oldRoot == newRoot else { throw .newRootMismatch } }
            return
        }
        // 1. An empty path proves nothing.
        guard !hashes.isEmpty else { throw .proofTooShort }
        for (position, p) in hashes.enumerated() where p.count != 32 { throw .malformedHash(position: position) }
        // 2. When the old tree is a complete subtree, its root is the path's first node.
        var path = hashes
        if oldSize & (oldSize - 1) == 0 { path.insert(oldRoot, at: 0) }
        // 3-4. Start at the old tree's last leaf, above the levels where it is a right child.
        var fn = oldSize - 1, sn = newSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        // 5. Both roots start from the first node.
        var fr = path[0], sr = path[0]
        // 6. Fold the rest in: into both roots where the old tree reaches, into the new one only beyond.
        for c in path.dropFirst() {
            guard sn != 0 else { throw .proofTooLong }
            if fn & 1 == 1 || fn == sn {
                fr = MerkleHash.node(c, fr)
                sr = MerkleHash.node(c, sr)
                while fn & 1 == 0 && fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            } else {
                sr = MerkleHash.node(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        // 7.
        guard sn == 0 else { throw .proofTooShort }
        guard fr == oldRoot else { throw .oldRootMismatch }
        guard sr == newRoot else { throw .newRootMismatch }
    }
}
