import HADICCore
import HADICCrypto

/// Appends blocks that a sequencer sealed, after checking everything a replica can: the hash
/// link, height, time and size order, the header and checkpoint signatures under the sequencer
/// key named in genesis, every event's bytes (canonical, of this ledger), signature and
/// admission rules replayed against the replica's own state, and the Merkle root recomputed
/// from the events. Only a block that passes all of it is stored, in one durable transaction.
///
/// It never signs anything: a replica holds copies, not the sequencer's key.
public final class BlockFollower {
    public let store: any LedgerStore
    public let genesis: Genesis
    public let ledgerID: String
    public private(set) var head: SealedBlock
    private var state: LedgerState
    private var frontier: MerkleFrontier
    private let admission: Admission

    /// Writes a peer's genesis block into an empty store, once it hashes to `ledgerID` (the id
    /// this replica was told to follow) and is signed by the sequencer key it names.
    public static func bootstrap(store: any LedgerStore, genesisBlock block: SealedBlock, ledgerID: String) throws {
        guard try store.latestBlock() == nil else { throw LedgerError.alreadyInitialized("this data directory already holds a ledger") }
        guard block.height == 0, let genesis = block.header.genesis else {
            throw ReplicationError.wrongLedger("the first block offered is not a genesis block")
        }
        guard Hex.encode(block.header.hash) == ledgerID else {
            throw ReplicationError.wrongLedger("genesis hashes to \(Hex.encode(block.header.hash).prefix(16))…, not the ledger id \(ledgerID.prefix(16))…")
        }
        try checkSignatures(block, genesis: genesis)
        try store.initialize(genesis: block, state: genesis.initialState)
    }

    /// Opens the ledger in `store` for following; checks that the stored Merkle edge reproduces
    /// the head's signed root.
    public init(store: any LedgerStore) throws {
        guard let genesisBlock = try store.block(at: 0), let genesis = genesisBlock.header.genesis,
              let head = try store.latestBlock() else {
            throw LedgerError.notInitialized("no genesis block yet")
        }
        self.store = store
        self.genesis = genesis
        ledgerID = Hex.encode(genesisBlock.header.hash)
        self.head = head
        admission = Admission.withEPCIS(ledgerID: ledgerID)
        frontier = try store.verifiedFrontier(of: head)
        self.state = try store.loadState()
        state.clearTouched()
    }

    /// The keys as of the head, for checking the next block's signatures on other threads.
    public var keySnapshot: [String: KeyRecord] { state.keys }

    /// The keys of this ledger's nodes as of the head: the sequencer's, and the current key of
    /// every party registered as a node.
    public var nodeKeys: Set<PublicKey> { Set(state.nodeKeys + [genesis.sequencerKey]) }

    /// Checks both signatures of a block (header, checkpoint) and that the checkpoint commits to
    /// the header's tree.
    public static func checkSignatures(_ block: SealedBlock, genesis: Genesis) throws(ReplicationError) {
        guard genesis.sequencerKey.isValidSignature(block.signature, for: block.header.signingInput) else {
            throw .badSignature(height: block.height, what: "the header signature")
        }
        let cp: Checkpoint
        do {
            cp = try Checkpoint.verify(signedNote: block.checkpoint, origin: genesis.origin, sequencerKey: genesis.sequencerKey)
        } catch {
            throw .badSignature(height: block.height, what: "the checkpoint (\(error))")
        }
        guard cp.size == block.header.treeSize, cp.root == block.header.treeRoot else {
            throw .badHeader(height: block.height, why: "the checkpoint's size or root differs from the header's")
        }
    }

    /// A block received from a peer, its events parsed and their signatures checked ahead, on
    /// every core, against the keys its events should find (an event whose key turns out
    /// otherwise is checked again when the block is appended).
    public struct PreparedBlock: Sendable {
        public let block: SealedBlock
        public let leaves: [[UInt8]]
        let parsed: [Result<EventEnvelope, AdmissionError>]
        let prechecks: [ParallelSignatureCheck.Precheck]
        /// The keys as they will be after this block: where the next block's preparation starts.
        public let keysAfter: [String: KeyRecord]
    }

    /// Parses a block's events and checks their signatures on every core, so that a replica can
    /// prepare the next block while it stores this one. `keys`: as they will be before it.
    public static func prepare(_ block: SealedBlock, leaves: [[UInt8]], keys: [String: KeyRecord]) -> PreparedBlock {
        let parsed: [Result<EventEnvelope, AdmissionError>] = parallelMap(leaves) { leaf in
            Result { () throws(AdmissionError) -> EventEnvelope in try EventEnvelope.parse(leaf) }
        }
        let checked = ParallelSignatureCheck.verify(parsed.compactMap { try? $0.get() }, keysBefore: keys)
        return PreparedBlock(block: block, leaves: leaves, parsed: parsed, prechecks: checked.prechecks, keysAfter: checked.keysAfter)
    }

    /// Prepares consecutive blocks at once: all their events are parsed and their signatures
    /// checked in one pass over the cores (``PreparedBatch``), so that a run of small blocks (a
    /// few events each) keeps every core busy too, then split back into blocks. `keys`: as they
    /// will be before the first block.
    public static func prepare(_ blocks: [(block: SealedBlock, leaves: [[UInt8]])], keys: [String: KeyRecord]) -> [PreparedBlock] {
        let batch = PreparedBatch(parsing: blocks.flatMap(\.leaves), keys: keys)
        var prepared: [PreparedBlock] = []
        prepared.reserveCapacity(blocks.count)
        var input = 0, precheck = 0
        var keysSoFar = keys
        for b in blocks {
            let parsed = Array(batch.inputs[input..<input + b.leaves.count])
            input += b.leaves.count
            // `prechecks` holds one entry per parsed event, in order.
            var checks: [ParallelSignatureCheck.Precheck] = []
            for case .success(let e) in parsed {
                let check = batch.prechecks[precheck]
                precheck += 1
                checks.append(check)
                if check.valid != false { ParallelSignatureCheck.applyKeyChanges(of: e, to: &keysSoFar) }
            }
            prepared.append(PreparedBlock(block: b.block, leaves: b.leaves, parsed: parsed, prechecks: checks, keysAfter: keysSoFar))
        }
        return prepared
    }

    /// Checks and stores the block after the head. `leaves` are its events' leaf bytes in order.
    public func append(_ block: SealedBlock, leaves: [[UInt8]]) throws {
        try append(Self.prepare(block, leaves: leaves, keys: state.keys))
    }

    /// Checks and stores a prepared block after the head.
    public func append(_ prepared: PreparedBlock) throws { try append([prepared]) }

    /// Checks consecutive blocks after the head, in order, and stores them in one transaction
    /// (one fsync for many small blocks). If one fails, those before it are stored and its
    /// error is thrown; nothing of it or after it is.
    public func append(_ group: [PreparedBlock]) throws {
        var pending: [PendingBlock] = []
        var ids = Set<EventID>()
        var newHead = head, newFrontier = frontier
        do {
            for p in group {
                let (block, grown) = try check(p, after: newHead, frontier: newFrontier, groupIDs: &ids)
                pending.append(block)
                newHead = p.block
                newFrontier = grown
            }
            do {
                try store.append(blocks: pending, state: state)
            } catch {
                throw ReplicationError.storage("\(error)")
            }
        } catch {
            state = try store.loadState()
            state.clearTouched()
            if case ReplicationError.storage = error {} else if !pending.isEmpty {
                try append(Array(group.prefix(pending.count)))
            }
            throw error
        }
        state.clearTouched()
        frontier = newFrontier
        head = newHead
    }

    /// Checks one block after `previous` and applies its events to the state; returns what to
    /// store and the grown tree. Events of earlier blocks of the same group count as known.
    private func check(_ prepared: PreparedBlock, after previous: SealedBlock, frontier: MerkleFrontier,
                       groupIDs ids: inout Set<EventID>) throws -> (PendingBlock, MerkleFrontier) {
        let block = prepared.block, leaves = prepared.leaves
        let h = block.header
        let height = previous.height + 1
        guard h.height == height else { throw ReplicationError.outOfOrder(expected: height, got: h.height) }
        guard h.ledgerID == ledgerID else { throw ReplicationError.wrongLedger("block \(h.height) names another ledger") }
        try Self.checkSignatures(block, genesis: genesis)
        guard h.previousHash == previous.header.hash else {
            throw ReplicationError.badHeader(height: height, why: "its previous-hash does not link to this node's block \(previous.height)")
        }
        guard h.time >= previous.header.time else { throw ReplicationError.badHeader(height: height, why: "time \(h.time) is before block \(previous.height)") }
        guard !leaves.isEmpty, h.treeSize == previous.header.treeSize + UInt64(leaves.count) else {
            throw ReplicationError.badHeader(height: height, why: "holds \(leaves.count) events, its header commits to tree size \(h.treeSize) after \(previous.header.treeSize)")
        }
        let first = previous.header.treeSize
        var envelopes: [EventEnvelope] = []
        envelopes.reserveCapacity(leaves.count)
        for (i, result) in prepared.parsed.enumerated() {
            let index = first + UInt64(i)
            switch result {
            case .failure(let error): throw ReplicationError.badEvent(height: height, index: index, why: "\(error)")
            case .success(let e):
                guard e.leafBytes == leaves[i] else { throw ReplicationError.badEvent(height: height, index: index, why: "leaf bytes are not canonical JSON") }
                envelopes.append(e)
            }
        }
        // Every parse succeeded (a failure threw above), so prechecks line up with envelopes.
        let prechecks = prepared.prechecks
        let known = try store.knownEvents(among: envelopes.map(\.id))
        var newFrontier = frontier
        var nodes: [MerkleNode] = []
        var stored: [StoredEvent] = []
        stored.reserveCapacity(envelopes.count)
        for (i, e) in envelopes.enumerated() {
            let index = first + UInt64(i)
            let current = state.activeKey(e.keyID, of: e.actor)?.publicKey
            do {
                try admission.check(e, in: state, now: h.time, signatureValid: prechecks[i].result(for: current)) { id in
                    ids.contains(id) || known.contains(id)
                }
            } catch {
                throw ReplicationError.badEvent(height: height, index: index, why: "would be refused: \(error)")
            }
            Admission.apply(e, to: &state)
            ids.insert(e.id)
            stored.append(StoredEvent(index: index, id: e.id, block: height, type: e.type, actor: e.actor, time: e.time,
                                      leafBytes: e.leafBytes, links: LotLink.links(of: e, at: index)))
            nodes.append(contentsOf: newFrontier.append(leafHash: MerkleHash.leaf(e.leafBytes)))
        }
        guard newFrontier.root == h.treeRoot else {
            throw ReplicationError.badHeader(height: height, why: "its events do not reproduce the signed Merkle root")
        }
        return (PendingBlock(block: block, events: stored, nodes: nodes), newFrontier)
    }
}
