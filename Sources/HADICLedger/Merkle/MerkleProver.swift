/// Makes RFC 9162 proofs and roots for any tree size up to the stored one, from the stored roots
/// of complete subtrees (``MerkleNodeID``): O(log n) node reads per proof, never a rebuild.
///
/// The proofs follow the RFC's recursive definitions (PATH, section 2.1.3.1; SUBPROOF, section
/// 2.1.4.1). Each range they split is either a complete, aligned subtree — one stored node —
/// or the right edge of one, whose hash is folded from at most log2(n) stored nodes. Only one
/// such edge occurs per proof.
public struct MerkleProver {
    /// How many leaves the stored tree holds: proofs are made for trees up to this size.
    public let storedSize: UInt64
    /// The stored hashes of these complete subtrees (missing ones left out), read at once.
    private let nodes: ([MerkleNodeID]) throws -> [MerkleNodeID: [UInt8]]

    /// - Parameter nodes: the stored hashes of complete subtrees, as many as asked in one read
    ///   (a proof's nodes are known from its sizes alone, so each proof is one round trip).
    public init(storedSize: UInt64, nodes: @escaping ([MerkleNodeID]) throws -> [MerkleNodeID: [UInt8]]) {
        self.storedSize = storedSize
        self.nodes = nodes
    }

    /// - Parameter node: the stored hash of one complete subtree (nil when it is not stored).
    public init(storedSize: UInt64, node: @escaping (MerkleNodeID) throws -> [UInt8]?) {
        self.init(storedSize: storedSize) { ids in
            var found: [MerkleNodeID: [UInt8]] = [:]
            for id in ids { found[id] = try node(id) }
            return found
        }
    }

    /// The proof that leaf `index` is in the tree of the first `treeSize` leaves.
    public func inclusionProof(leafIndex index: UInt64, treeSize: UInt64) throws -> InclusionProof {
        try check(treeSize)
        guard index < treeSize else { throw MerkleProofError.leafIndexOutOfRange(index: index, treeSize: treeSize) }
        return InclusionProof(leafIndex: index, treeSize: treeSize, hashes: try walk { try $0.path(index, 0, treeSize) })
    }

    /// The proof that the tree of `oldSize` leaves is a prefix of the tree of `newSize` leaves
    /// (empty when `oldSize` is 0 or equals `newSize`).
    public func consistencyProof(from oldSize: UInt64, to newSize: UInt64) throws -> ConsistencyProof {
        try check(newSize)
        guard oldSize <= newSize else { throw MerkleProofError.sizesOutOfOrder(old: oldSize, new: newSize) }
        let hashes = oldSize == 0 || oldSize == newSize ? [] : try walk { try $0.subproof(oldSize, 0, newSize, complete: true) }
        return ConsistencyProof(oldSize: oldSize, newSize: newSize, hashes: hashes)
    }

    /// MTH of the first `treeSize` leaves.
    public func root(treeSize: UInt64) throws -> [UInt8] {
        try check(treeSize)
        return treeSize == 0 ? MerkleHash.emptyRoot : try walk { [try $0.hash(0, treeSize)] }[0]
    }

    private func check(_ size: UInt64) throws {
        guard size <= storedSize else { throw MerkleProofError.treeSizeBeyondLedger(requested: size, stored: storedSize) }
    }

    /// Runs `body` twice: once to learn which stored nodes it reads, then over those nodes read at once.
    private func walk(_ body: (Walk) throws -> [[UInt8]]) throws -> [[UInt8]] {
        var needed: [MerkleNodeID] = []
        let placeholder = [UInt8](repeating: 0, count: 32)
        _ = try body(Walk { needed.append($0); return placeholder })
        let found = try nodes(needed)
        return try body(Walk { id in
            guard let h = found[id] else { throw MerkleProofError.missingNode(id) }
            return h
        })
    }

    /// The RFC's recursions over one way of getting stored nodes.
    private struct Walk {
        let node: (MerkleNodeID) throws -> [UInt8]

        /// PATH(m, D[lo:hi]), the leaf's sibling first.
        func path(_ m: UInt64, _ lo: UInt64, _ hi: UInt64) throws -> [[UInt8]] {
            let n = hi - lo
            guard n > 1 else { return [] }
            let k = MerkleProver.largestPowerOfTwo(below: n)
            if m < k { return try path(m, lo, lo + k) + [hash(lo + k, hi)] }
            return try path(m - k, lo + k, hi) + [hash(lo, lo + k)]
        }

        /// SUBPROOF(m, D[lo:hi], b); `complete` is b: the old tree is this whole range so far.
        func subproof(_ m: UInt64, _ lo: UInt64, _ hi: UInt64, complete: Bool) throws -> [[UInt8]] {
            let n = hi - lo
            if m == n { return complete ? [] : [try hash(lo, hi)] }
            let k = MerkleProver.largestPowerOfTwo(below: n)
            if m <= k { return try subproof(m, lo, lo + k, complete: complete) + [hash(lo + k, hi)] }
            return try subproof(m - k, lo + k, hi, complete: false) + [hash(lo, lo + k)]
        }

        /// MTH(D[lo:hi]) for a range the recursions above reach: `lo` is aligned to the largest
        /// complete subtree the range starts with.
        func hash(_ lo: UInt64, _ hi: UInt64) throws -> [UInt8] {
            let n = hi - lo
            if n & (n - 1) == 0 {
                let level = n.trailingZeroBitCount
                return try node(MerkleNodeID(level: level, index: lo >> UInt64(level)))
            }
            let k = MerkleProver.largestPowerOfTwo(below: n)
            return MerkleHash.node(try hash(lo, lo + k), try hash(lo + k, hi))
        }
    }

    /// The largest power of two smaller than `n` (n > 1): the RFC's k.
    static func largestPowerOfTwo(below n: UInt64) -> UInt64 {
        UInt64(1) << UInt64(63 - (n - 1).leadingZeroBitCount)
    }
}
