extension LedgerStore {
    /// A prover over the tree as its latest block signed it (stored nodes never change once
    /// written, so the prover stays right while the ledger grows).
    public func merkleProver() throws -> MerkleProver {
        merkleProver(treeSize: try latestBlock()?.header.treeSize ?? 0)
    }

    /// A prover for trees up to `treeSize` leaves, which must all be stored (a committed size).
    public func merkleProver(treeSize: UInt64) -> MerkleProver {
        MerkleProver(storedSize: treeSize) { try self.merkleNodes($0) }
    }

    /// The first block whose tree has exactly `treeSize` leaves: the one whose signed
    /// checkpoint commits to that size (nil when no block ended at that size). A binary search
    /// over heights: tree sizes never decrease with height.
    public func block(withTreeSize treeSize: UInt64) throws -> SealedBlock? {
        guard let head = try latestHeight() else { return nil }
        var low: UInt64 = 0, high = head + 1  // the answer is in [low, high)
        while low < high {
            let mid = low + (high - low) / 2
            guard let block = try block(at: mid) else { throw LedgerError.corrupt("block \(mid) is missing below the head \(head)") }
            if block.header.treeSize < treeSize { low = mid + 1 } else { high = mid }
        }
        guard low <= head, let found = try block(at: low), found.header.treeSize == treeSize else { return nil }
        return found
    }

    /// The right edge of the tree as `head` signed it, read from the stored nodes, once they
    /// reproduce its signed root: a writer that would extend a corrupted store stops here.
    public func verifiedFrontier(of head: SealedBlock) throws -> MerkleFrontier {
        let frontier = try MerkleFrontier(size: head.header.treeSize) { id in
            guard let hash = try merkleNode(id) else { throw LedgerError.corrupt("stored Merkle node \(id) is missing") }
            return hash
        }
        guard frontier.root == head.header.treeRoot else {
            throw LedgerError.corrupt("stored Merkle nodes do not reproduce the root signed in block \(head.height); run `hadic verify --full`")
        }
        return frontier
    }
}
