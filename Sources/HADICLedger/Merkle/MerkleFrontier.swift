/// The right edge of an append-only RFC 9162 Merkle tree: the roots of its perfect subtrees,
/// largest first (one per set bit of the tree size).
///
/// Appending a leaf costs O(log n) hashes and yields the perfect-subtree nodes it completes,
/// which the store keeps for proofs; the root is folded from the edge in O(log n). The tree is
/// never rebuilt.
public struct MerkleFrontier: Equatable, Sendable {
    public private(set) var size: UInt64 = 0
    /// (level, hash) of each perfect subtree on the edge, levels strictly decreasing.
    public private(set) var edge: [(level: Int, hash: [UInt8])] = []

    public init() {}

    public static func == (a: MerkleFrontier, b: MerkleFrontier) -> Bool {
        a.size == b.size && a.edge.elementsEqual(b.edge, by: { $0.level == $1.level && $0.hash == $1.hash })
    }

    /// The ids of the edge nodes of a tree of `size` leaves, largest subtree first.
    public static func edgeNodeIDs(size: UInt64) -> [MerkleNodeID] {
        var ids: [MerkleNodeID] = []
        var start: UInt64 = 0
        for level in stride(from: 63, through: 0, by: -1) where size & (UInt64(1) << UInt64(level)) != 0 {
            ids.append(MerkleNodeID(level: level, index: start >> UInt64(level)))
            start += UInt64(1) << UInt64(level)
        }
        return ids
    }

    /// Rebuilds the edge of a tree of `size` leaves from its stored nodes.
    public init(size: UInt64, node: (MerkleNodeID) throws -> [UInt8]) rethrows {
        self.size = size
        for id in MerkleFrontier.edgeNodeIDs(size: size) {
            edge.append((id.level, try node(id)))
        }
    }

    /// Appends one leaf hash; returns the nodes this completes (the leaf itself first).
    @discardableResult
    public mutating func append(leafHash: [UInt8]) -> [MerkleNode] {
        var created = [MerkleNode(id: MerkleNodeID(level: 0, index: size), hash: leafHash)]
        edge.append((0, leafHash))
        size += 1
        while edge.count >= 2, edge[edge.count - 1].level == edge[edge.count - 2].level {
            let right = edge.removeLast()
            let left = edge.removeLast()
            let level = left.level + 1
            let hash = MerkleHash.node(left.hash, right.hash)
            edge.append((level, hash))
            created.append(MerkleNode(id: MerkleNodeID(level: level, index: (size >> UInt64(level)) - 1), hash: hash))
        }
        return created
    }

    /// MTH of the whole tree (RFC 9162 2.1.1): the edge folded from the right.
    public var root: [UInt8] {
        guard var acc = edge.last?.hash else { return MerkleHash.emptyRoot }
        for entry in edge.dropLast().reversed() {
            acc = MerkleHash.node(entry.hash, acc)
        }
        return acc
    }
}
