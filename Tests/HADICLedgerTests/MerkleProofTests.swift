import XCTest
import HADICCore
import HADICCrypto
import HADICLedger

/// Inclusion and consistency proofs (RFC 9162 2.1.3, 2.1.4): made from stored complete-subtree
/// nodes by ``MerkleProver``, checked by ``InclusionProof`` and ``ConsistencyProof``, against a
/// reference written from the RFC's recursive definitions and against RFC 6962's published
/// test vectors.
final class MerkleProofTests: XCTestCase {
    /// A tree of `count` leaves as the store keeps it: every complete subtree's node.
    private struct StoredTree {
        let leafHashes: [[UInt8]]
        let nodes: [MerkleNodeID: [UInt8]]
        var reads = 0

        init(leafHashes: [[UInt8]]) {
            self.leafHashes = leafHashes
            var frontier = MerkleFrontier()
            var nodes: [MerkleNodeID: [UInt8]] = [:]
            for h in leafHashes { for n in frontier.append(leafHash: h) { nodes[n.id] = n.hash } }
            self.nodes = nodes
        }

        var prover: MerkleProver {
            let nodes = self.nodes
            return MerkleProver(storedSize: UInt64(leafHashes.count)) { nodes[$0] }
        }
    }

    /// The RFC's definitions over leaf hashes, memoised by range (only aligned ranges occur).
    private final class Reference {
        let leaves: [[UInt8]]
        private var memo: [Range<Int>: [UInt8]] = [:]
        init(_ leaves: [[UInt8]]) { self.leaves = leaves }

        private func k(_ n: Int) -> Int { var k = 1; while k * 2 < n { k *= 2 }; return k }

        func mth(_ r: Range<Int>) -> [UInt8] {
            if r.isEmpty { return SHA256.hash([]) }
            if r.count == 1 { return leaves[r.lowerBound] }
            if let known = memo[r] { return known }
            let split = r.lowerBound + k(r.count)
            let h = SHA256.hash([0x01] + mth(r.lowerBound..<split) + mth(split..<r.upperBound))
            memo[r] = h
            return h
        }

        func path(_ m: Int, _ r: Range<Int>) -> [[UInt8]] {
            guard r.count > 1 else { return [] }
            let split = r.lowerBound + k(r.count)
            return m < k(r.count) ? path(m, r.lowerBound..<split) + [mth(split..<r.upperBound)]
                                  : path(m - k(r.count), split..<r.upperBound) + [mth(r.lowerBound..<split)]
        }

        func subproof(_ m: Int, _ r: Range<Int>, _ b: Bool) -> [[UInt8]] {
            if m == r.count { return b ? [] : [mth(r)] }
            let kk = k(r.count), split = r.lowerBound + kk
            return m <= kk ? subproof(m, r.lowerBound..<split, b) + [mth(split..<r.upperBound)]
                           : subproof(m - kk, split..<r.upperBound, false) + [mth(r.lowerBound..<split)]
        }
    }

    private func leafHashes(_ count: Int, seed: String = "leaf") -> [[UInt8]] {
        (0..<count).map { MerkleHash.leaf(Array("\(seed) \($0)".utf8)) }
    }

    private func flipped(_ hashes: [[UInt8]], hash i: Int, bit: Int) -> [[UInt8]] {
        var out = hashes
        out[i][bit / 8] ^= UInt8(1) << UInt8(bit % 8)
        return out
    }

    private func assertFails(_ message: @autoclosure () -> String, _ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), message(), file: file, line: line) { XCTAssertTrue($0 is MerkleProofError, "\($0)", file: file, line: line) }
    }

    // MARK: RFC 6962's published vectors (the certificate-transparency test tree of 8 leaves)

    private static let vectorLeaves = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
    private static let vectorRoots = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]

    func testRFC6962VectorsRootsAndProofs() throws {
        let leaves = try Self.vectorLeaves.map { MerkleHash.leaf(try XCTUnwrap(Hex.decode($0))) }
        let prover = StoredTree(leafHashes: leaves).prover
        for n in 1...8 {
            XCTAssertEqual(Hex.encode(try prover.root(treeSize: UInt64(n))), Self.vectorRoots[n - 1], "root of size \(n)")
        }
        XCTAssertEqual(try prover.root(treeSize: 0), MerkleHash.emptyRoot)
        let root8 = try XCTUnwrap(Hex.decode(Self.vectorRoots[7]))
        let inclusion: [(UInt64, [String])] = [
            (0, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                 "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                 "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
            (5, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                 "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                 "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
        ]
        for (index, expected) in inclusion {
            let proof = try prover.inclusionProof(leafIndex: index, treeSize: 8)
            XCTAssertEqual(proof.hashes.map(Hex.encode), expected, "inclusion of \(index) in 8")
            XCTAssertNoThrow(try proof.verify(leafHash: leaves[Int(index)], root: root8))
        }
        let consistency: [(UInt64, [String])] = [
            (2, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                 "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
            (6, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                 "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                 "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
        ]
        for (old, expected) in consistency {
            let proof = try prover.consistencyProof(from: old, to: 8)
            XCTAssertEqual(proof.hashes.map(Hex.encode), expected, "consistency \(old) -> 8")
            XCTAssertNoThrow(try proof.verify(oldRoot: try XCTUnwrap(Hex.decode(Self.vectorRoots[Int(old) - 1])), newRoot: root8))
        }
    }

    // MARK: Every size up to 300

    func testEveryInclusionProofUpTo300VerifiesAndAnyChangeFails() throws {
        let leaves = leafHashes(601)
        let reference = Reference(leaves)
        let prover = StoredTree(leafHashes: leaves).prover
        var generator = SeededGenerator(seed: 0x1cd0)
        var checked = 0
        for n in 1...300 {
            let root = reference.mth(0..<n)
            XCTAssertEqual(try prover.root(treeSize: UInt64(n)), root, "root of \(n)")
            for i in 0..<n {
                let proof = try prover.inclusionProof(leafIndex: UInt64(i), treeSize: UInt64(n))
                XCTAssertEqual(proof.hashes, reference.path(i, 0..<n), "PATH(\(i), D[\(n)])")
                try proof.verify(leafHash: leaves[i], root: root)
                checked += 1
                // Any bit of any hash: exhaustively for small trees, one random bit per hash above.
                for h in proof.hashes.indices {
                    let bits = n <= 16 ? Array(0..<256) : [Int.random(in: 0..<256, using: &generator)]
                    for bit in bits {
                        assertFails("flipped bit \(bit) of hash \(h), leaf \(i) of \(n)") {
                            try InclusionProof(leafIndex: UInt64(i), treeSize: UInt64(n), hashes: flipped(proof.hashes, hash: h, bit: bit))
                                .verify(leafHash: leaves[i], root: root)
                        }
                    }
                }
                // Wrong leaf, index, size or root; a hash missing, added or reordered.
                assertFails("wrong leaf hash") { try proof.verify(leafHash: leaves[i + 1], root: root) }
                for wrongIndex in [i - 1, i + 1, i ^ 1] where wrongIndex >= 0 && wrongIndex != i {
                    assertFails("index \(wrongIndex) for leaf \(i) of \(n)") {
                        try InclusionProof(leafIndex: UInt64(wrongIndex), treeSize: UInt64(n), hashes: proof.hashes).verify(leafHash: leaves[i], root: root)
                    }
                }
                // A size is authenticated by its root (a checkpoint signs both): the proof must
                // fail for another size with that size's root.
                for wrongSize in [n - 1, n + 1, 2 * n] where wrongSize > i && wrongSize != n {
                    assertFails("size \(wrongSize) for leaf \(i) of \(n)") {
                        try InclusionProof(leafIndex: UInt64(i), treeSize: UInt64(wrongSize), hashes: proof.hashes)
                            .verify(leafHash: leaves[i], root: reference.mth(0..<wrongSize))
                    }
                }
                assertFails("root of \(n + 1)") { try proof.verify(leafHash: leaves[i], root: reference.mth(0..<(n + 1))) }
                if !proof.hashes.isEmpty {
                    assertFails("truncated") {
                        try InclusionProof(leafIndex: UInt64(i), treeSize: UInt64(n), hashes: proof.hashes.dropLast()).verify(leafHash: leaves[i], root: root)
                    }
                }
                assertFails("extended") {
                    try InclusionProof(leafIndex: UInt64(i), treeSize: UInt64(n), hashes: proof.hashes + [root]).verify(leafHash: leaves[i], root: root)
                }
                if proof.hashes.count >= 2 {
                    assertFails("reordered") {
                        try InclusionProof(leafIndex: UInt64(i), treeSize: UInt64(n), hashes: proof.hashes.reversed()).verify(leafHash: leaves[i], root: root)
                    }
                }
            }
            // An index at or past the size has no proof.
            XCTAssertThrowsError(try prover.inclusionProof(leafIndex: UInt64(n), treeSize: UInt64(n)))
        }
        XCTAssertEqual(checked, 300 * 301 / 2)
    }

    func testEveryConsistencyProofUpTo300VerifiesAndAnyChangeFails() throws {
        let leaves = leafHashes(300)
        let reference = Reference(leaves)
        let prover = StoredTree(leafHashes: leaves).prover
        var generator = SeededGenerator(seed: 0xc0451)
        let roots = (0...300).map { reference.mth(0..<$0) }
        var checked = 0
        for n in 0...300 {
            for m in 0...n {
                let proof = try prover.consistencyProof(from: UInt64(m), to: UInt64(n))
                XCTAssertEqual(proof.hashes, m == 0 || m == n ? [] : reference.subproof(m, 0..<n, true), "PROOF(\(m), D[\(n)])")
                try proof.verify(oldRoot: roots[m], newRoot: roots[n])
                checked += 1
                for h in proof.hashes.indices {
                    let bits = n <= 16 ? Array(0..<256) : [Int.random(in: 0..<256, using: &generator)]
                    for bit in bits {
                        assertFails("flipped bit \(bit) of hash \(h), \(m) -> \(n)") {
                            try ConsistencyProof(oldSize: UInt64(m), newSize: UInt64(n), hashes: flipped(proof.hashes, hash: h, bit: bit))
                                .verify(oldRoot: roots[m], newRoot: roots[n])
                        }
                    }
                }
                // Wrong roots: the neighbouring trees'.
                if m > 0 { assertFails("old root of \(m - 1)") { try proof.verify(oldRoot: roots[m - 1], newRoot: roots[n]) } }
                if n < 300 && m > 0 { assertFails("new root of \(n + 1)") { try proof.verify(oldRoot: roots[m], newRoot: roots[n + 1]) } }
                if m > 0 && m < n { assertFails("new root of \(n - 1)") { try proof.verify(oldRoot: roots[m], newRoot: roots[n - 1]) } }
                // Other sizes, with their roots (unless the proof is also theirs, as the empty one is).
                for (wm, wn) in [(m - 1, n), (m + 1, n), (m, n + 1), (m, n - 1)] where wm >= 0 && wn >= wm && (wm, wn) != (m, n) && wn <= 300 {
                    let theirs = wm == 0 || wm == wn ? [] : reference.subproof(wm, 0..<wn, true)
                    if theirs == proof.hashes { continue }
                    assertFails("sizes \(wm) -> \(wn) for \(m) -> \(n)") {
                        try ConsistencyProof(oldSize: UInt64(wm), newSize: UInt64(wn), hashes: proof.hashes).verify(oldRoot: roots[wm], newRoot: roots[wn])
                    }
                }
                if !proof.hashes.isEmpty {
                    assertFails("truncated \(m) -> \(n)") {
                        try ConsistencyProof(oldSize: UInt64(m), newSize: UInt64(n), hashes: proof.hashes.dropLast()).verify(oldRoot: roots[m], newRoot: roots[n])
                    }
                }
                assertFails("extended \(m) -> \(n)") {
                    try ConsistencyProof(oldSize: UInt64(m), newSize: UInt64(n), hashes: proof.hashes + [roots[n]]).verify(oldRoot: roots[m], newRoot: roots[n])
                }
            }
            if n > 0 { XCTAssertThrowsError(try prover.consistencyProof(from: UInt64(n), to: UInt64(n - 1))) }
        }
        XCTAssertEqual(checked, 301 * 302 / 2)
    }

    // MARK: Larger trees, reads, and what the prover refuses

    func testRandomProofsInALargeTreeReadLogarithmicallyManyNodes() throws {
        let size = 70_001
        let leaves = leafHashes(size, seed: "big")
        let stored = StoredTree(leafHashes: leaves)
        let nodes = stored.nodes
        nonisolated(unsafe) var reads = 0
        let prover = MerkleProver(storedSize: UInt64(size)) { reads += 1; return nodes[$0] }
        var frontier = MerkleFrontier()
        var roots: [Int: [UInt8]] = [:]
        var generator = SeededGenerator(seed: 0xb16)
        let sizes = Set((0..<40).map { _ in Int.random(in: 1...size, using: &generator) } + [size, 65_536, 65_537, 1])
        for (i, h) in leaves.enumerated() {
            frontier.append(leafHash: h)
            if sizes.contains(i + 1) { roots[i + 1] = frontier.root }
        }
        let bound = 2 * 64
        for n in sizes {
            for _ in 0..<10 {
                let i = Int.random(in: 0..<n, using: &generator)
                reads = 0
                let proof = try prover.inclusionProof(leafIndex: UInt64(i), treeSize: UInt64(n))
                XCTAssertLessThanOrEqual(reads, bound, "reads for leaf \(i) of \(n)")
                XCTAssertNoThrow(try proof.verify(leafHash: leaves[i], root: try XCTUnwrap(roots[n])), "leaf \(i) of \(n)")
                if n > 1 { assertFails("wrong index") {
                    try InclusionProof(leafIndex: UInt64((i + 1) % n), treeSize: UInt64(n), hashes: proof.hashes).verify(leafHash: leaves[i], root: roots[n]!)
                } }
            }
            for m in sizes where m < n {
                reads = 0
                let proof = try prover.consistencyProof(from: UInt64(m), to: UInt64(n))
                XCTAssertLessThanOrEqual(reads, bound, "reads for \(m) -> \(n)")
                XCTAssertNoThrow(try proof.verify(oldRoot: try XCTUnwrap(roots[m]), newRoot: try XCTUnwrap(roots[n])), "\(m) -> \(n)")
                assertFails("swapped roots") { try proof.verify(oldRoot: roots[n]!, newRoot: roots[m]!) }
            }
        }
    }

    func testProverRefusesSizesBeyondTheStoredTreeAndNamesAMissingNode() throws {
        let leaves = leafHashes(10)
        var stored = StoredTree(leafHashes: leaves).nodes
        let prover = MerkleProver(storedSize: 10) { stored[$0] }
        XCTAssertThrowsError(try prover.inclusionProof(leafIndex: 0, treeSize: 11)) {
            XCTAssertEqual($0 as? MerkleProofError, .treeSizeBeyondLedger(requested: 11, stored: 10))
        }
        XCTAssertThrowsError(try prover.consistencyProof(from: 3, to: 11))
        XCTAssertThrowsError(try prover.consistencyProof(from: 7, to: 5)) {
            XCTAssertEqual($0 as? MerkleProofError, .sizesOutOfOrder(old: 7, new: 5))
        }
        stored[MerkleNodeID(level: 3, index: 0)] = nil
        let lossy = MerkleProver(storedSize: 10) { stored[$0] }
        XCTAssertThrowsError(try lossy.inclusionProof(leafIndex: 9, treeSize: 10)) {
            XCTAssertEqual($0 as? MerkleProofError, .missingNode(MerkleNodeID(level: 3, index: 0)))
        }
    }

    func testTrivialConsistencyCasesAndMalformedHashes() throws {
        let leaves = leafHashes(8)
        let reference = Reference(leaves)
        let r4 = reference.mth(0..<4), r5 = reference.mth(0..<5)
        XCTAssertNoThrow(try ConsistencyProof(oldSize: 4, newSize: 4, hashes: []).verify(oldRoot: r4, newRoot: r4))
        assertFails("equal sizes, different roots") { try ConsistencyProof(oldSize: 4, newSize: 4, hashes: []).verify(oldRoot: r4, newRoot: r5) }
        assertFails("equal sizes, a hash") { try ConsistencyProof(oldSize: 4, newSize: 4, hashes: [r4]).verify(oldRoot: r4, newRoot: r4) }
        XCTAssertNoThrow(try ConsistencyProof(oldSize: 0, newSize: 5, hashes: []).verify(oldRoot: MerkleHash.emptyRoot, newRoot: r5))
        XCTAssertNoThrow(try ConsistencyProof(oldSize: 0, newSize: 0, hashes: []).verify(oldRoot: MerkleHash.emptyRoot, newRoot: MerkleHash.emptyRoot))
        assertFails("two empty trees, another new root") { try ConsistencyProof(oldSize: 0, newSize: 0, hashes: []).verify(oldRoot: MerkleHash.emptyRoot, newRoot: r5) }
        assertFails("empty tree, wrong old root") { try ConsistencyProof(oldSize: 0, newSize: 5, hashes: []).verify(oldRoot: r4, newRoot: r5) }
        assertFails("empty path for 4 -> 5") { try ConsistencyProof(oldSize: 4, newSize: 5, hashes: []).verify(oldRoot: r4, newRoot: r5) }
        let good = try StoredTree(leafHashes: leaves).prover.inclusionProof(leafIndex: 3, treeSize: 5)
        var short = good.hashes
        short[0].removeLast()
        XCTAssertThrowsError(try InclusionProof(leafIndex: 3, treeSize: 5, hashes: short).verify(leafHash: leaves[3], root: r5)) {
            XCTAssertEqual($0 as? MerkleProofError, .malformedHash(position: 0))
        }
        XCTAssertThrowsError(try InclusionProof(leafIndex: 5, treeSize: 5, hashes: good.hashes).verify(leafHash: leaves[3], root: r5)) {
            XCTAssertEqual($0 as? MerkleProofError, .leafIndexOutOfRange(index: 5, treeSize: 5))
        }
    }
}

final class TLogProofTests: XCTestCase {
    private let checkpoint = "example.org/ledger\n5\nRSJI3Gd5F7E9A64dPbZiij0Kp9c7c1QE6oK3nmb84oA=\n\n— example.org/ledger AAAAAA==\n"

    func testRoundTripAndTheC2SPLayout() throws {
        let hashes = [[UInt8](repeating: 7, count: 32), [UInt8](repeating: 9, count: 32)]
        let proof = TLogProof(index: 3, hashes: hashes, checkpoint: checkpoint)
        XCTAssertEqual(proof.text, "c2sp.org/tlog-proof@v1\nindex 3\n\(Base64.encode(hashes[0]))\n\(Base64.encode(hashes[1]))\n\n" + checkpoint)
        XCTAssertEqual(try TLogProof(parsing: proof.text), proof)
        let single = TLogProof(index: 0, hashes: [], checkpoint: checkpoint)
        XCTAssertEqual(single.text, "c2sp.org/tlog-proof@v1\nindex 0\n\n" + checkpoint)
        XCTAssertEqual(try TLogProof(parsing: single.text), single)
    }

    func testMalformedProofsAreRefusedNamingTheLine() {
        let h = Base64.encode([UInt8](repeating: 1, count: 32))
        let cases: [(String, String)] = [
            ("c2sp.org/tlog-proof@v2\nindex 1\n\(h)\n\n" + checkpoint, "first line"),
            ("c2sp.org/tlog-proof@v1\nextra AAAA\nindex 1\n\(h)\n\n" + checkpoint, "extra data"),
            ("c2sp.org/tlog-proof@v1\nindex 01\n\(h)\n\n" + checkpoint, "bad index"),
            ("c2sp.org/tlog-proof@v1\nindex -1\n\(h)\n\n" + checkpoint, "bad index"),
            ("c2sp.org/tlog-proof@v1\nindex 1\nAAAA\n\n" + checkpoint, "proof line 1"),
            ("c2sp.org/tlog-proof@v1\nindex 1\n\(h)\n", "no empty line"),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try TLogProof(parsing: text), text) { error in
                guard case .malformedProof(let why) = error as? LedgerError else { return XCTFail("\(error)") }
                XCTAssertTrue(why.contains(expected), "\(why) for \(text)")
            }
        }
    }
}
