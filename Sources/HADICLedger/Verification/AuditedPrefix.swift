import HADICCore
import HADICCrypto

/// What an incremental audit (`hadic audit --since CHECKPOINT`) trusts of the part of the
/// ledger it audited before, and how it gets the state the new part is judged against.
///
/// The checkpoint must verify under the sequencer key named in genesis, and a block of this
/// ledger must end at its tree size with the same signed root (otherwise the two are different
/// histories, both signed: a fork, reported with both notes). The admission rules of the new
/// events need the state the earlier events built: it is rebuilt by replaying the stored prefix
/// in order, every leaf re-hashed (the prefix must reproduce the checkpoint's root, so it is
/// byte for byte what was audited), each event parsed and applied, but no signature verified
/// and no rule checked again: that is what the earlier audit did, and what "incremental" saves.
/// The prefix's block headers are not read again (only the one at the checkpoint's size).
enum AuditedPrefix {
    /// The checkpoint of `note`, verified under the ledger's sequencer key.
    static func checkpoint(_ note: String, genesis: Genesis) throws -> Checkpoint {
        do {
            return try Checkpoint.verify(signedNote: note, origin: genesis.origin, sequencerKey: genesis.sequencerKey)
        } catch {
            throw VerificationFailure("since checkpoint", "is not a checkpoint signed by this ledger's sequencer key (origin \(genesis.origin)): \(error)",
                                      check: .sinceCheckpoint)
        }
    }

    /// The block of this ledger that ends at the checkpoint's tree size.
    static func base(of cp: Checkpoint, note: String, latest: SealedBlock, store: any LedgerStore) throws -> SealedBlock {
        guard cp.size <= latest.header.treeSize else {
            throw VerificationFailure("since checkpoint",
                                      "is of tree size \(cp.size), but this ledger's head (block \(latest.height)) commits to \(latest.header.treeSize): blocks were lost since the checkpoint was audited, or it is of a longer history",
                                      check: .sinceCheckpoint, evidence: [note, latest.checkpoint])
        }
        let found: SealedBlock?
        do {
            found = try store.block(withTreeSize: cp.size)
        } catch {
            throw VerificationFailure("blocks", "\(error)", check: .blockMissing)
        }
        guard let found else {
            throw VerificationFailure("since checkpoint",
                                      "the sequencer signed a tree of size \(cp.size), but no block of this ledger ends there: the checkpoint is of another history",
                                      check: .fork, evidence: [note, latest.checkpoint])
        }
        return found
    }

    /// The block at the checkpoint's size must commit to the checkpoint's root.
    static func requireSameRoot(_ base: SealedBlock, _ cp: Checkpoint, note: String) throws {
        guard base.header.treeRoot == cp.root else {
            throw VerificationFailure("since checkpoint",
                                      "block \(base.height) commits to root \(Base64.encode(base.header.treeRoot)) at tree size \(cp.size), the checkpoint to \(Base64.encode(cp.root)): two histories, both signed by the sequencer",
                                      check: .fork, block: base.height, evidence: [note, base.checkpoint])
        }
    }

    /// Replays the first `cp.size` events onto `state` (genesis's): parsed on every core,
    /// applied in order, their leaves hashed into the tree, no signature or rule checked.
    static func replay(_ store: any LedgerStore, upTo cp: Checkpoint, state: LedgerState) throws -> LedgerVerifier.Replay {
        var replay = LedgerVerifier.Replay(state: state)
        let chunk: UInt64 = 4096
        var start: UInt64 = 0
        while start < cp.size {
            let end = min(cp.size, start + chunk)
            let events = try read(store, start..<end)
            let parsed = parallelMap(events) { e in
                Result { () throws(AdmissionError) -> EventEnvelope in try EventEnvelope.parse(e.leafBytes) }
            }
            for (e, result) in zip(events, parsed) {
                guard case .success(let env) = result else {
                    throw VerificationFailure.event(e, .eventParse, "does not parse, so it is not the event audited before")
                }
                Admission.apply(env, to: &replay.state)
                replay.seenIDs.insert(env.id)
                replay.links.append(contentsOf: LotLink.links(of: env, at: e.index))
                replay.append(leafHash: MerkleHash.leaf(e.leafBytes))
            }
            start = end
        }
        replay.state.clearTouched()
        guard replay.frontier.root == cp.root else {
            try nameChangedLeaf(store, size: cp.size)
            throw VerificationFailure("events 0..<\(cp.size)", "no longer reproduce the root of the audited checkpoint: stored events changed since",
                                      check: .merkleRoot)
        }
        return replay
    }

    /// Names the first event of the prefix whose leaf no longer hashes to its stored leaf node
    /// (a second pass, only once the prefix is known to be spoiled).
    private static func nameChangedLeaf(_ store: any LedgerStore, size: UInt64) throws {
        var start: UInt64 = 0
        while start < size {
            let end = min(size, start + 4096)
            for e in try read(store, start..<end) {
                if let stored = try? store.merkleNode(MerkleNodeID(level: 0, index: e.index)), stored != MerkleHash.leaf(e.leafBytes) {
                    throw VerificationFailure.event(e, .eventLeaf, "leaf bytes differ from the ones the audited checkpoint signed")
                }
            }
            start = end
        }
    }

    private static func read(_ store: any LedgerStore, _ range: Range<UInt64>) throws -> [StoredEvent] {
        let events: [StoredEvent]
        do {
            events = try store.events(in: range)
        } catch {
            throw VerificationFailure("events \(range.lowerBound)..<\(range.upperBound)", "\(error)", check: .store)
        }
        guard events.count == range.count else {
            throw VerificationFailure("events \(range.lowerBound)..<\(range.upperBound)", "only \(events.count) of \(range.count) are stored",
                                      check: .eventCount)
        }
        return events
    }

    /// The consistency proof from the audited checkpoint to the head, read from the stored
    /// Merkle nodes and verified against both signed roots (RFC 9162 2.1.4.2).
    static func consistencyProof(from cp: Checkpoint, to head: SealedBlock, store: any LedgerStore, log: inout FailureLog) throws -> ConsistencyProof? {
        do {
            let proof = try store.merkleProver(treeSize: head.header.treeSize).consistencyProof(from: cp.size, to: head.header.treeSize)
            try proof.verify(oldRoot: cp.root, newRoot: head.header.treeRoot)
            return proof
        } catch {
            try log.record(VerificationFailure("consistency proof \(cp.size) to \(head.header.treeSize)",
                                               "made from the stored Merkle nodes does not verify: \(error)", check: .consistencyProof))
            return nil
        }
    }
}
