import XCTest
import HADICCrypto
import HADICLedger

final class MerkleTests: XCTestCase {
    /// RFC 9162 section 2.1.1, written from the RFC: MTH({}) = SHA-256(), MTH({d}) = SHA-256(0x00 || d),
    /// MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])) with k the largest power of two < n.
    private func mth(_ d: ArraySlice<[UInt8]>) -> [UInt8] {
        let n = d.count
        if n == 0 { return SHA256.hash([]) }
        if n == 1 { return SHA256.hash([0x00] + d[d.startIndex]) }
        var k = 1
        while k * 2 < n { k *= 2 }
        let split = d.startIndex + k
        return SHA256.hash([0x01] + mth(d[d.startIndex..<split]) + mth(d[split...]))
    }

    private func leafData(_ count: Int) -> [[UInt8]] { (0..<count).map { Array("leaf \($0)".utf8) } }

    func testEmptyRootIsSHA256OfNothing() {
        XCTAssertEqual(Hex.encode(MerkleHash.emptyRoot), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(MerkleFrontier().root, MerkleHash.emptyRoot)
        XCTAssertEqual(MerkleFrontier().size, 0)
    }

    func testLeafAndNodeHashesAreDomainSeparated() {
        let d = Array("hello".utf8)
        XCTAssertEqual(MerkleHash.leaf(d), SHA256.hash([0x00] + d))
        let a = [UInt8](repeating: 1, count: 32), b = [UInt8](repeating: 2, count: 32)
        XCTAssertEqual(MerkleHash.node(a, b), SHA256.hash([0x01] + a + b))
        XCTAssertNotEqual(MerkleHash.node(a, b), MerkleHash.node(b, a))
        XCTAssertNotEqual(MerkleHash.leaf(a + b), MerkleHash.node(a, b))
    }

    func testRootMatchesRecursiveMTHForEverySizeUpTo300() {
        let data = leafData(300)
        var frontier = MerkleFrontier()
        XCTAssertEqual(frontier.root, mth(data[0..<0]))
        for n in 1...300 {
            frontier.append(leafHash: MerkleHash.leaf(data[n - 1]))
            XCTAssertEqual(frontier.size, UInt64(n))
            XCTAssertEqual(frontier.root, mth(data[0..<n]), "size \(n)")
            XCTAssertEqual(frontier.edge.map(\.level), MerkleFrontier.edgeNodeIDs(size: UInt64(n)).map(\.level), "size \(n)")
        }
    }

    func testAppendedNodesArePerfectSubtreeRoots() {
        let data = leafData(300)
        var frontier = MerkleFrontier()
        var all: [MerkleNodeID: [UInt8]] = [:]
        for i in 0..<300 {
            let created = frontier.append(leafHash: MerkleHash.leaf(data[i]))
            // The leaf itself first, then one node per level it completes.
            XCTAssertEqual(created.first?.id, MerkleNodeID(level: 0, index: UInt64(i)))
            XCTAssertEqual(created.count, (i + 1).trailingZeroBitCount + 1, "append \(i)")
            XCTAssertEqual(created.map(\.id.level), Array(0..<created.count))
            for node in created {
                let start = Int(node.id.index) << node.id.level
                let end = Int(node.id.index + 1) << node.id.level
                XCTAssertEqual(end, i + 1, "node \(node.id) completes at leaf \(i)")
                XCTAssertEqual(node.hash, mth(data[start..<end]), "node \(node.id)")
                XCTAssertNil(all[node.id], "node \(node.id) created twice")
                all[node.id] = node.hash
            }
        }
        // Exactly every perfect subtree inside the 300 leaves.
        var expected = 0
        for level in 0..<64 { expected += 300 >> level }
        XCTAssertEqual(all.count, expected)
        XCTAssertEqual(all.count, 300 + 150 + 75 + 37 + 18 + 9 + 4 + 2 + 1)
    }

    func testEdgeNodeIDs() {
        func ids(_ size: UInt64) -> [String] { MerkleFrontier.edgeNodeIDs(size: size).map { "\($0.level):\($0.index)" } }
        XCTAssertEqual(ids(0), [])
        XCTAssertEqual(ids(1), ["0:0"])
        XCTAssertEqual(ids(2), ["1:0"])
        XCTAssertEqual(ids(3), ["1:0", "0:2"])
        XCTAssertEqual(ids(5), ["2:0", "0:4"])
        XCTAssertEqual(ids(6), ["2:0", "1:2"])
        XCTAssertEqual(ids(7), ["2:0", "1:2", "0:6"])
        XCTAssertEqual(ids(8), ["3:0"])
        XCTAssertEqual(ids(300), ["8:0", "5:8", "3:36", "2:74"])  // 256 + 32 + 8 + 4
        XCTAssertEqual(ids(UInt64(1) << 40), ["40:0"])
        XCTAssertEqual(MerkleFrontier.edgeNodeIDs(size: UInt64.max).count, 64)
        XCTAssertEqual(MerkleNodeID(level: 3, index: 36).description, "level 3 index 36")
        XCTAssertLessThan(MerkleNodeID(level: 0, index: 9), MerkleNodeID(level: 1, index: 0))
        XCTAssertLessThan(MerkleNodeID(level: 1, index: 0), MerkleNodeID(level: 1, index: 1))
    }

    func testFrontierRebuiltFromStoredNodesEqualsTheAppendedOne() throws {
        let data = leafData(130)
        var frontier = MerkleFrontier()
        var stored: [MerkleNodeID: [UInt8]] = [:]
        for n in 1...130 {
            for node in frontier.append(leafHash: MerkleHash.leaf(data[n - 1])) { stored[node.id] = node.hash }
            let rebuilt = try MerkleFrontier(size: UInt64(n)) { id in
                guard let h = stored[id] else { throw LedgerError.corrupt("missing \(id)") }
                return h
            }
            XCTAssertEqual(rebuilt, frontier, "size \(n)")
            XCTAssertEqual(rebuilt.root, mth(data[0..<n]))
            // It keeps appending exactly like the original.
            var a = rebuilt, b = frontier
            let extra = MerkleHash.leaf(Array("extra".utf8))
            XCTAssertEqual(a.append(leafHash: extra), b.append(leafHash: extra))
            XCTAssertEqual(a, b)
        }
        // A missing node is reported by the lookup, not papered over.
        XCTAssertThrowsError(try MerkleFrontier(size: 131) { id in
            guard let h = stored[id] else { throw LedgerError.corrupt("missing \(id)") }
            return h
        }) { error in
            XCTAssertEqual(error as? LedgerError, .corrupt("missing level 0 index 130"))
        }
        // A different node gives a different frontier and root.
        var altered = stored
        altered[MerkleNodeID(level: 7, index: 0)] = [UInt8](repeating: 0, count: 32)
        let wrong = MerkleFrontier(size: 130) { altered[$0]! }
        XCTAssertNotEqual(wrong, frontier)
        XCTAssertNotEqual(wrong.root, frontier.root)
    }
}
