import HADICCrypto

/// The RFC 9162 (section 2.1.1) hashes: leaves and interior nodes are domain-separated,
/// so no leaf can be passed off as a node.
public enum MerkleHash {
    /// MTH({}) = SHA-256() — the root of the empty tree.
    public static let emptyRoot: [UInt8] = SHA256.hash([UInt8]())

    /// MTH({d}) = SHA-256(0x00 || d)
    public static func leaf(_ leafBytes: [UInt8]) -> [UInt8] { SHA256.hash(prefix: 0x00, leafBytes) }

    /// SHA-256(0x01 || left || right)
    public static func node(_ left: [UInt8], _ right: [UInt8]) -> [UInt8] { SHA256.hash(prefix: 0x01, left, right) }
}

/// The position of a stored node: the root of the perfect subtree of 2^level leaves
/// starting at leaf `index << level`. Level 0 nodes are leaf hashes.
public struct MerkleNodeID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let level: Int
    public let index: UInt64

    public init(level: Int, index: UInt64) {
        self.level = level
        self.index = index
    }

    public var description: String { "level \(level) index \(index)" }
    public static func < (a: MerkleNodeID, b: MerkleNodeID) -> Bool { (a.level, a.index) < (b.level, b.index) }
}

/// A stored Merkle node and its hash.
public struct MerkleNode: Hashable, Sendable {
    public let id: MerkleNodeID
    public let hash: [UInt8]

    public init(id: MerkleNodeID, hash: [UInt8]) {
        self.id = id
        self.hash = hash
    }
}
