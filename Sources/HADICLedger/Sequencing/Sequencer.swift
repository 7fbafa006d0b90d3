import HADICCore
import HADICCrypto

/// Orders admitted events into signed blocks. The only writer of a ledger.
///
/// The sequencer cannot forge an event (every event carries its author's signature); it decides
/// only the order. For each batch it verifies signatures on all cores, applies the admission
/// rules in order, then seals one block: Merkle append, header, header signature, signed
/// checkpoint, and one durable store transaction. Receipts are returned only after that.
public final class Sequencer {
    public let store: any LedgerStore
    public let genesis: Genesis
    public let ledgerID: String
    public private(set) var state: LedgerState
    public private(set) var head: SealedBlock
    public private(set) var frontier: MerkleFrontier

    private let key: PrivateKey
    private let admission: Admission
    private let clock: () -> Timestamp

    /// Writes the genesis block of a new ledger; returns it (its hash is the ledger id).
    @discardableResult
    public static func initialize(store: any LedgerStore, genesis: Genesis, sequencerKey: PrivateKey, time: Timestamp) throws -> SealedBlock {
        guard try store.latestBlock() == nil else { throw LedgerError.alreadyInitialized("this data directory already holds a ledger") }
        guard sequencerKey.publicKey == genesis.sequencerKey else {
            throw LedgerError.wrongSequencerKey("the private key does not match the genesis sequencer key")
        }
        let header = BlockHeader.genesis(genesis, time: time)
        let checkpoint = try Checkpoint(origin: genesis.origin, size: 0, root: header.treeRoot).sign(with: sequencerKey)
        let block = SealedBlock(header: header, signature: try sequencerKey.sign(header.signingInput), checkpoint: checkpoint.serialized)
        try store.initialize(genesis: block, state: genesis.initialState)
        return block
    }

    /// Opens the ledger in `store` for appending. Checks that the key is the genesis sequencer
    /// key and that the stored Merkle edge reproduces the head's signed root, so a corrupted
    /// store stops the sequencer before it signs anything over it.
    public init(store: any LedgerStore, key: PrivateKey, clock: @escaping () -> Timestamp) throws {
        guard let genesisBlock = try store.block(at: 0), let genesis = genesisBlock.header.genesis,
              let head = try store.latestBlock() else {
            throw LedgerError.notInitialized("run `hadic init` first")
        }
        guard key.publicKey == genesis.sequencerKey else {
            throw LedgerError.wrongSequencerKey("key \(key.publicKey.keyID.prefix(16))… is not the sequencer key named in genesis (\(genesis.sequencerKey.keyID.prefix(16))…)")
        }
        self.store = store
        self.genesis = genesis
        self.ledgerID = Hex.encode(genesisBlock.header.hash)
        self.key = key
        self.clock = clock
        self.head = head
        self.admission = Admission.withEPCIS(ledgerID: ledgerID)
        self.frontier = try store.verifiedFrontier(of: head)
        self.state = try store.loadState()
        state.clearTouched()
    }

    /// Admits what passes the rules and seals it as one block. Each input gets its receipt or
    /// the rule that refused it, in input order. Inputs that failed to parse pass through as refusals.
    public func submit(_ inputs: [Result<EventEnvelope, AdmissionError>]) throws -> [Result<Receipt, AdmissionError>] {
        try submit(PreparedBatch(inputs, keys: keySnapshot))
    }

    /// The keys of this ledger's nodes as of the head: this sequencer's, and the current key of
    /// every party registered as a node.
    public var nodeKeys: Set<PublicKey> { Set(state.nodeKeys + [genesis.sequencerKey]) }

    /// The keys as of now, for preparing the next batch on other threads while this one is sealed.
    public var keySnapshot: [String: KeyRecord] { state.keys }

    /// Admits a batch whose signatures were checked ahead (see ``PreparedBatch``).
    public func submit(_ batch: PreparedBatch) throws -> [Result<Receipt, AdmissionError>] {
        let inputs = batch.inputs
        let envelopes = inputs.compactMap { try? $0.get() }
        let now = max(clock(), head.header.time)
        let prechecks = batch.prechecks
        let known = try store.knownEvents(among: envelopes.map(\.id))

        // Admission never mutates state for a refused event, so the batch works on `state`
        // directly (no copy of every table per block); if sealing fails, state is reloaded.
        state.clearTouched()
        var batchIDs = Set<EventID>()
        var admitted: [EventEnvelope] = []
        var outcomes: [Result<Int, AdmissionError>] = []
        var next = 0
        for input in inputs {
            switch input {
            case .failure(let error):
                outcomes.append(.failure(error))
            case .success(let e):
                let precheck = prechecks[next]
                next += 1
                do {
                    let current = state.activeKey(e.keyID, of: e.actor)?.publicKey
                    try admission.check(e, in: state, now: now, signatureValid: precheck.result(for: current)) { id in
                        batchIDs.contains(id) || known.contains(id)
                    }
                    Admission.apply(e, to: &state)
                    batchIDs.insert(e.id)
                    outcomes.append(.success(admitted.count))
                    admitted.append(e)
                } catch {
                    outcomes.append(.failure(error))
                }
            }
        }
        // With nothing admitted there is no block, and no success outcome to give a receipt to.
        var first: UInt64 = 0
        var height: UInt64 = 0
        if !admitted.isEmpty {
            let block: SealedBlock
            do {
                block = try seal(admitted, time: now)
            } catch {
                state = try store.loadState()
                throw error
            }
            first = block.header.treeSize - UInt64(admitted.count)
            height = block.height
        }
        return outcomes.map { outcome in
            outcome.map { i in Receipt(eventID: admitted[i].id, leafIndex: first + UInt64(i), blockHeight: height) }
        }
    }

    private func seal(_ events: [EventEnvelope], time: Timestamp) throws -> SealedBlock {
        var newFrontier = frontier
        var nodes: [MerkleNode] = []
        nodes.reserveCapacity(events.count * 2)
        let height = head.height + 1
        var stored: [StoredEvent] = []
        stored.reserveCapacity(events.count)
        for e in events {
            stored.append(StoredEvent(index: newFrontier.size, id: e.id, block: height, type: e.type, actor: e.actor, time: e.time,
                                      leafBytes: e.leafBytes, links: LotLink.links(of: e, at: newFrontier.size)))
            nodes.append(contentsOf: newFrontier.append(leafHash: MerkleHash.leaf(e.leafBytes)))
        }
        try proveConsistency(to: newFrontier, newNodes: nodes)
        let header = BlockHeader.block(ledgerID: ledgerID, height: height, previousHash: head.header.hash, time: time,
                                       treeSize: newFrontier.size, treeRoot: newFrontier.root)
        let checkpoint = try Checkpoint(origin: genesis.origin, size: header.treeSize, root: header.treeRoot).sign(with: key)
        let block = SealedBlock(header: header, signature: try key.sign(header.signingInput), checkpoint: checkpoint.serialized)
        try store.append(block, events: stored, nodes: nodes, state: state)
        state.clearTouched()
        frontier = newFrontier
        head = block
        return block
    }

    /// Proves, from the stored tree, that the new tree extends the one the last checkpoint
    /// signed, before anything is signed over it: a stored node or leaf hash that went bad since
    /// it was written stops the sequencer here, not in a checkpoint everyone must then trust
    /// (a public CT log, Yeti 2022, signed a flipped bit in a stored leaf hash).
    private func proveConsistency(to newFrontier: MerkleFrontier, newNodes: [MerkleNode]) throws {
        let fresh = Dictionary(newNodes.map { ($0.id, $0.hash) }, uniquingKeysWith: { a, _ in a })
        let prover = MerkleProver(storedSize: newFrontier.size) { [store] ids in
            var found: [MerkleNodeID: [UInt8]] = [:]
            var stored: [MerkleNodeID] = []
            for id in ids {
                if let hash = fresh[id] { found[id] = hash } else { stored.append(id) }
            }
            if !stored.isEmpty { found.merge(try store.merkleNodes(stored)) { a, _ in a } }
            return found
        }
        let old = head.header
        do {
            // The stored tree reproduces the root signed last (a consistency proof from a
            // power-of-two size takes that root from the checkpoint, not from storage)...
            guard try prover.root(treeSize: old.treeSize) == old.treeRoot else { throw MerkleProofError.oldRootMismatch }
            // ...and proves the new tree, whose root is about to be signed, an extension of it.
            try prover.consistencyProof(from: old.treeSize, to: newFrontier.size).verify(oldRoot: old.treeRoot, newRoot: newFrontier.root)
        } catch {
            throw LedgerError.corrupt("the stored Merkle tree does not prove the new tree (size \(newFrontier.size)) consistent with the "
                + "checkpoint signed at size \(old.treeSize) (\(error)); nothing was signed. Run `hadic verify --full`")
        }
    }
}
