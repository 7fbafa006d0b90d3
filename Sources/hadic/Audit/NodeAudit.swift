import Dispatch
import HADICCore
import HADICCrypto
import HADICLedger
import HADICPeer

/// `hadic audit --node`: one node's blocks downloaded and audited without trusting the node,
/// and the comparison of several nodes' histories.
///
/// Nothing the node says is taken on its word: its genesis must hash to the ledger id it named
/// (and, with --trust, name the trusted sequencer key); every block, signature, event and
/// Merkle root is checked by the same verifier as a data directory's. The node's own derived
/// tables are never read.
struct NodeAudit {
    let address: String
    let outcome: AuditOutcome
    /// The downloaded copy (nil when what the node sent could not be made into one).
    let ledger: DownloadedLedger?
    /// The audited head's signed checkpoint, and its size and root.
    let note: String
    let checkpoint: Checkpoint

    static func run(_ address: String, options: AuditOptions, trusted: PublicKey?) throws -> NodeAudit {
        let client = try NodeClient(address)
        let (startNote, start, genesis) = try client.checkpoint()
        let started = DispatchTime.now()
        var received: [DownloadedLedger.ReceivedBlock] = []
        var failure: VerificationFailure?
        var next: UInt64 = 0
        // Up to the checkpoint the node showed first; a busy sequencer may send a few blocks more.
        download: while received.last.map({ $0.block.header.treeSize < start.size }) ?? true {
            guard case .blocks(let blocks) = try client.request(.getBlocks(from: next, max: 1000), timeout: .seconds(300)) else {
                throw CLIFailure("node \(address) did not answer get-blocks from height \(next)")
            }
            if blocks.isEmpty {
                failure = VerificationFailure("node \(address)", "its blocks end at height \(next), before the tree size \(start.size) of its own checkpoint",
                                              check: .blockMissing, block: next)
                break
            }
            for wire in blocks {
                let header: BlockHeader
                do {
                    header = try BlockHeader.parse(wire.header)
                } catch {
                    failure = .block(next, .blockHeader, "header sent by the node does not parse: \(error)")
                    break download
                }
                received.append(.init(block: SealedBlock(header: header, signature: wire.signature, checkpoint: wire.checkpoint), leaves: wire.events))
                next += 1
            }
        }
        var ledger: DownloadedLedger?
        var report = VerificationReport(full: options.full)
        if failure == nil {
            do {
                let copy = try DownloadedLedger(received)
                ledger = copy
                var nodeOptions = options
                nodeOptions.derivedTables = false
                report = LedgerVerifier(store: copy, trustedSequencerKey: trusted).audit(nodeOptions)
            } catch {
                failure = error
            }
        }
        if let failure { report.failures.append(failure) }
        let head = received.last?.block
        let note = head?.checkpoint ?? startNote
        let checkpoint = (try? Checkpoint.verify(signedNote: note, origin: genesis.origin, sequencerKey: genesis.sequencerKey)) ?? start
        let outcome = AuditOutcome(source: "node \(address)", ledgerID: client.ledgerID, origin: genesis.origin,
                                   sequencerKeyID: genesis.sequencerKey.keyID, report: report, seconds: seconds(since: started))
        return NodeAudit(address: address, outcome: outcome, ledger: ledger, note: note, checkpoint: checkpoint)
    }

    /// Every pair of nodes: the smaller tree must be a prefix of the larger, proved from the
    /// larger's downloaded (and audited) copy against both signed roots.
    static func compare(_ audits: [NodeAudit]) -> [CheckpointComparison] {
        var out: [CheckpointComparison] = []
        for i in audits.indices {
            for j in audits.indices where j > i {
                out.append(compare(audits[i], audits[j]))
            }
        }
        return out
    }

    private static func compare(_ x: NodeAudit, _ y: NodeAudit) -> CheckpointComparison {
        let (small, large) = x.checkpoint.size <= y.checkpoint.size ? (x, y) : (y, x)
        func result(_ consistent: Bool, _ proof: [[UInt8]], _ reason: String, largeNote: String? = nil) -> CheckpointComparison {
            CheckpointComparison(a: small.address, b: large.address, noteA: small.note, noteB: largeNote ?? large.note,
                                 consistent: consistent, proof: proof, reason: reason)
        }
        let m = small.checkpoint.size, n = large.checkpoint.size
        // Two signed checkpoints of one size: the roots must be equal.
        if let ledger = large.ledger, let same = try? ledger.block(withTreeSize: m), same.header.treeRoot != small.checkpoint.root {
            return result(false, [], "both signed by the sequencer at tree size \(m), with different roots", largeNote: same.checkpoint)
        }
        guard let ledger = large.ledger else {
            return result(false, [], "no copy of \(large.address)'s ledger to prove consistency from")
        }
        do {
            let proof = try ledger.merkleProver(treeSize: n).consistencyProof(from: m, to: n)
            try proof.verify(oldRoot: small.checkpoint.root, newRoot: large.checkpoint.root)
            return result(true, proof.hashes, m == n ? "same tree size \(m), same root" : "tree size \(m) is a prefix of \(n): consistency proof verified")
        } catch {
            return result(false, [], "the tree of size \(m) is not a prefix of the tree of size \(n): \(error)")
        }
    }
}
