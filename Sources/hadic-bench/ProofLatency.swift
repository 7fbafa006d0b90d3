import ArgumentParser
import Foundation
import HADICCore
import HADICCrypto
import HADICLedger
import HADICStore

/// `hadic-bench proofs`: how long making and checking an inclusion or consistency proof takes
/// at the ledger's size, as p50/p99 over random leaves and sizes, beside the cost of one
/// Merkle node hash and one stored-node read measured in the same run.
struct ProofLatency: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proofs",
        abstract: "Measure Merkle proof generation (from stored nodes) and verification latency.",
        discussion: """
            Inclusion proofs of --sample random leaves in the head's tree, and consistency proofs \
            from --sample random smaller sizes to the head's, each made through the store as \
            `hadic proof` and a node make it (one read transaction per proof) and verified against the \
            signed root; every proof is checked, and the run fails on the first that does not verify.
            """
    )

    @Option(help: "The data directory.")
    var data: String

    @Option(help: "How many proofs of each kind.")
    var sample = 1000

    @Option(help: "Seed for the random leaves and sizes.")
    var seed: UInt64 = 9162

    func run() throws {
        let dir = try DataDirectory(reading: data)
        let store = dir.store
        guard let head = try store.latestBlock(), head.header.treeSize > 1 else { throw ValidationError("the ledger needs at least two events") }
        let size = head.header.treeSize, root = head.header.treeRoot
        var random = SeededGenerator(seed: seed)
        print("# hadic-bench proofs: \(ISO8601DateFormatter().string(from: Date())), \(ProcessInfo.processInfo.activeProcessorCount) cores, tree size \(size)")

        // References: one interior-node hash, one stored-node read.
        let left = [UInt8](repeating: 1, count: 32), right = [UInt8](repeating: 2, count: 32)
        var acc = left
        let hashes = 200_000
        let hashStart = Self.now()
        for _ in 0..<hashes { acc = MerkleHash.node(acc, right) }
        let hashMicros = Double(Self.now() - hashStart) / 1e3 / Double(hashes)
        var readTimes: [Double] = []
        for _ in 0..<sample {
            let level = Int(random.next() % 16)
            let count = size >> UInt64(level)
            guard count > 0 else { continue }
            let id = MerkleNodeID(level: level, index: random.next() % count)
            let t = Self.now()
            guard try store.merkleNode(id) != nil else { throw ValidationError("stored node \(id) is missing") }
            readTimes.append(Double(Self.now() - t) / 1e3)
        }
        let readMicros = Self.percentile(readTimes, 0.5)
        print(String(format: "reference: one node hash %.2f µs (%@), one stored-node read p50 %.1f µs", hashMicros, Hex.encode(Array(acc.prefix(2))) as NSString, readMicros))

        // One prover for the head's tree, as a node keeps; each proof is one read transaction.
        let prover = store.merkleProver(treeSize: size)
        var makeInclusion: [Double] = [], checkInclusion: [Double] = [], pathLengths: [Int] = []
        for _ in 0..<sample {
            let index = random.next() % size
            guard let leaf = try store.event(at: index)?.leafBytes else { throw ValidationError("event \(index) is missing") }
            let leafHash = MerkleHash.leaf(leaf)
            var t = Self.now()
            let proof = try prover.inclusionProof(leafIndex: index, treeSize: size)
            makeInclusion.append(Double(Self.now() - t) / 1e6)
            t = Self.now()
            try proof.verify(leafHash: leafHash, root: root)
            checkInclusion.append(Double(Self.now() - t) / 1e6)
            pathLengths.append(proof.hashes.count)
        }
        var makeConsistency: [Double] = [], checkConsistency: [Double] = []
        for _ in 0..<sample {
            let old = 1 + random.next() % (size - 1)
            let oldRoot = try prover.root(treeSize: old)  // what the verifier holds from an earlier checkpoint
            var t = Self.now()
            let proof = try prover.consistencyProof(from: old, to: size)
            makeConsistency.append(Double(Self.now() - t) / 1e6)
            t = Self.now()
            try proof.verify(oldRoot: oldRoot, newRoot: root)
            checkConsistency.append(Double(Self.now() - t) / 1e6)
        }
        print("inclusion proofs: \(sample), \(pathLengths.min() ?? 0)-\(pathLengths.max() ?? 0) hashes; consistency proofs: \(sample) to size \(size); every one verified")
        for (name, values) in [("inclusion, make", makeInclusion), ("inclusion, verify", checkInclusion),
                               ("consistency, make", makeConsistency), ("consistency, verify", checkConsistency)] {
            let p50 = Self.percentile(values, 0.5), p99 = Self.percentile(values, 0.99)
            print(String(format: "%-20@ p50 %7.3f ms  p99 %7.3f ms  max %7.3f ms  (p99 = %.0f node hashes, %.0f node reads)",
                         name as NSString, p50, p99, values.max() ?? 0, p99 * 1000 / hashMicros, p99 * 1000 / readMicros))
        }
    }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    static func percentile(_ values: [Double], _ p: Double) -> Double {
        QueryLatency.percentile(values, p)
    }
}
