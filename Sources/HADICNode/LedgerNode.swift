import Foundation
import HADICCore
import HADICCrypto
import HADICLedger
import HADICPeer
import HADICQuery
import HADICStore
import HADICWitness
import Logging
import NIOCore

/// One running node: its data directory (held as the only writer), its role, the key it proves
/// to peers, its head, and the peers that follow it. The sequencer seals what clients submit
/// (``IngestBatcher``); a replica follows a peer (``UpstreamFollower``) and forwards submissions.
/// Reads are served from a read-only connection to the same file, so they never wait for a seal.
public final class LedgerNode: @unchecked Sendable {
    public let config: NodeConfig
    public let role: NodeConfig.Role
    public let logger: Logger
    let directory: DataDirectory
    let key: PrivateKey
    /// Set once the ledger exists (a fresh replica learns it from its first peer).
    private(set) var ledgerID: String?
    private var reader: SQLiteLedgerStore?
    /// Answers `trace` and `assess` from state kept in memory and moved forward with each
    /// stored block (docs/NODE.md, `query_cache`); other queries, and these until it is ready, cold.
    private var queries: QueryEngine?
    private let readQueue = DispatchQueue(label: "hadicd-reads")

    let sequencer: Sequencer?
    private(set) var batcher: IngestBatcher?
    var follower: UpstreamFollower?
    /// Sends new checkpoints to the configured witnesses (sequencer with `witnesses` only).
    private var witnessCollector: WitnessCollector?

    private let lock = NSLock()
    private var headBlock: SealedBlock?
    private var nodeKeys: Set<PublicKey> = []
    private var downstream: [ObjectIdentifier: Channel] = [:]
    private var forks: UInt64 = 0
    private var followState = "following"
    /// Called when the node must stop (the sealer failed): the daemon exits non-zero.
    var onFatal: (@Sendable (String) -> Void)?

    public init(config: NodeConfig, logger: Logger) throws {
        self.config = config
        self.logger = logger
        let create = config.role == .replica || (config.role == nil && config.nodeKey != nil && config.sequencerKey == nil)
        directory = try DataDirectory(writing: config.data, holder: "hadicd, listening on \(config.listen)", create: create)
        let recordedKey = directory.sequencerKeyPath()
        let role = config.role ?? (config.sequencerKey != nil || (recordedKey != nil && config.nodeKey == nil) ? .sequencer : .replica)
        self.role = role
        switch role {
        case .sequencer:
            guard let path = config.sequencerKey ?? recordedKey else {
                throw NodeConfig.Invalid("a sequencer needs its key: set sequencer_key (or --sequencer-key), or run `hadic init` on this directory")
            }
            let key = try PrivateKey(contentsOf: path)
            let sequencer = try Sequencer(store: directory.store, key: key, clock: LedgerClock.now)
            self.key = key
            self.sequencer = sequencer
            ledgerID = sequencer.ledgerID
            headBlock = sequencer.head
            nodeKeys = sequencer.nodeKeys
        case .replica:
            guard let path = config.nodeKey else {
                throw NodeConfig.Invalid("a replica needs node_key (or --node-key): the private key of a party registered with role node")
            }
            key = try PrivateKey(contentsOf: path)
            sequencer = nil
            guard !config.peers.isEmpty else { throw NodeConfig.Invalid("a replica needs at least one peer to follow (peers, or --peer HOST:PORT)") }
            if let head = try directory.store.latestBlock() {
                let follower = try BlockFollower(store: directory.store)
                if let expected = config.ledgerID, expected != follower.ledgerID {
                    throw NodeConfig.Invalid("ledger: \(config.data) holds ledger \(follower.ledgerID), not \(expected)")
                }
                ledgerID = follower.ledgerID
                headBlock = head
                nodeKeys = follower.nodeKeys
            } else {
                guard let id = config.ledgerID else {
                    throw NodeConfig.Invalid("\(config.data) holds no ledger yet: set ledger (or --ledger ID) to the id of the ledger to follow")
                }
                guard id.utf8.count == 64, id.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
                    throw NodeConfig.Invalid("ledger: expected a ledger id (64 lowercase hex digits)")
                }
                ledgerID = id
            }
        }
        let reader = try SQLiteLedgerStore(path: DataDirectory.ledgerFile(in: config.data), readOnly: true)
        self.reader = reader
        queries = QueryEngine(store: reader, settings: config.queryEngine, report: { [logger] in logger.info("\($0)") })
        // Only evidence that shows a fork stops a replica (a bad peer's claim that does not, kept
        // from an older version, does not).
        if let genesis = try directory.store.block(at: 0)?.header.genesis {
            forks = UInt64(try directory.store.forkEvidence().filter { $0.conflicts(genesis: genesis) }.count)
        }
        if forks > 0 { followState = "stopped: this node holds fork evidence (`hadic evidence --data DIR`)" }
    }

    /// Starts loading the query state (in the background) and sealing (sequencer). A replica's
    /// follower is started by the server, which owns the event loops.
    func startIngest() {
        queries?.start()
        guard let sequencer else { return }
        if !config.witnesses.isEmpty {
            do {
                let collector = try WitnessCollector(peers: config.witnesses, dataDirectory: config.data, logger: logger)
                witnessCollector = collector
                // The head at start may not be cosigned yet (witnesses added, or down at the last block).
                collector.blockSealed()
            } catch {
                logger.error("witnesses: cannot start collecting cosignatures; the node goes on without", metadata: ["reason": "\(error)"])
            }
        }
        let batcher = IngestBatcher(sequencer: sequencer, maxEvents: config.blockMaxEvents, maxDelay: Double(config.blockMaxDelayMs) / 1000,
                                    logger: logger, sealed: { [weak self] block in self?.didAppend(block, nodeKeys: sequencer.nodeKeys) },
                                    failed: { [weak self] error in self?.onFatal?("sealing failed: \(error)") })
        self.batcher = batcher
        batcher.start()
    }

    // MARK: Head, node keys, downstream peers

    var head: SealedBlock? { lock.withLock { headBlock } }

    var wireHead: PeerMessage.Head {
        let h = head?.header
        return PeerMessage.Head(height: h?.height ?? 0, treeSize: h?.treeSize ?? 0, root: h?.treeRoot ?? MerkleHash.emptyRoot)
    }

    var ledgerIDValue: String? { lock.withLock { ledgerID } }

    func hello(kind: PeerMessage.PeerKind = .node) -> PeerMessage.Hello? {
        guard let ledgerID = ledgerIDValue else { return nil }
        return PeerMessage.Hello(kind: kind, ledgerID: ledgerID, head: wireHead, nodeKey: key.publicKey, nonce: PeerSession.nonce())
    }

    /// A client may connect with any key; a node only with a key its ledger knows as a node's.
    func accepts(_ hello: PeerMessage.Hello) -> Bool {
        hello.kind == .client || lock.withLock { nodeKeys.contains(hello.nodeKey) }
    }

    /// Whether to follow a node this one dialed: any node hello from a configured peer. Its key
    /// is not checked against this node's (possibly old) copy of the ledger, which may predate
    /// that peer's registration: every block is checked anyway, and fork evidence needs the
    /// sequencer's own signatures, whoever shows it.
    func acceptsUpstream(_ hello: PeerMessage.Hello) -> Bool { hello.kind == .node }

    /// After a block is durable: the new head, the node keys it may have changed, and an announce to followers.
    func didAppend(_ block: SealedBlock, nodeKeys keys: Set<PublicKey>) {
        let followers: [Channel] = lock.withLock {
            headBlock = block
            nodeKeys = keys
            return Array(downstream.values)
        }
        queries?.ledgerGrew()
        witnessCollector?.blockSealed()
        let announce = PeerMessage.announce(PeerMessage.Head(height: block.height, treeSize: block.header.treeSize, root: block.header.treeRoot))
        for channel in followers { channel.writeAndFlush(announce, promise: nil) }
    }

    func didBootstrap(ledgerID id: String, head: SealedBlock, nodeKeys keys: Set<PublicKey>) {
        lock.withLock {
            ledgerID = id
            headBlock = head
            nodeKeys = keys
        }
    }

    func addDownstream(_ channel: Channel) { lock.withLock { downstream[ObjectIdentifier(channel)] = channel } }
    func removeDownstream(_ channel: Channel) { _ = lock.withLock { downstream.removeValue(forKey: ObjectIdentifier(channel)) } }

    func recordFork(_ evidence: ForkEvidence) {
        do {
            try directory.store.recordForkEvidence(evidence)
        } catch {
            logger.critical("cannot store fork evidence", metadata: ["error": "\(error)"])
        }
        lock.withLock {
            forks += 1
            followState = "stopped: fork at \(evidence.kind.rawValue) \(evidence.position) shown by \(evidence.peer)"
        }
        logger.critical("FORK: a peer showed a history that contradicts this node's; following stopped, both kept as evidence (`hadic evidence --data \(config.data)`)",
                        metadata: ["peer": "\(evidence.peer)", "kind": "\(evidence.kind.rawValue)", "position": "\(evidence.position)", "reason": "\(evidence.reason)"])
    }

    var hasForked: Bool { lock.withLock { forks > 0 } }

    func setFollowState(_ state: String) { lock.withLock { if forks == 0 { followState = state } } }

    // MARK: Requests

    /// Accepts events from a client (or a downstream replica): sealed here on the sequencer,
    /// forwarded upstream on a replica.
    func submit(_ leaves: [[UInt8]], done: @escaping @Sendable ([PeerMessage.SubmitResult]) -> Void) {
        if let batcher { return batcher.submit(leaves, done: done) }
        guard let follower else {
            return done(leaves.map { _ in .refused(rule: "unavailable", message: "this node cannot reach the sequencer") })
        }
        follower.forward(leaves, done: done)
    }

    /// Answers a read (checkpoint, blocks, proof, status) off the event loop.
    func answer(_ request: PeerMessage, done: @escaping @Sendable (Result<PeerMessage, NodeRequestError>) -> Void) {
        readQueue.async { [self] in
            do {
                done(.success(try read(request)))
            } catch let e as NodeRequestError {
                done(.failure(e))
            } catch {
                done(.failure(.internal("\(error)")))
            }
        }
    }

    /// The witness cosignature lines kept for the checkpoint of `size` (docs/WITNESS.md); a file
    /// that cannot be read is logged and the checkpoint sent without them.
    private func keptCosignatures(size: UInt64) -> String {
        do { return try StoredCosignatures(dataDirectory: config.data).lines(size: size).map(\.line).joined() } catch {
            logger.warning("cannot read the cosignatures kept for size \(size); the checkpoint is sent without them", metadata: ["reason": "\(error)"])
            return ""
        }
    }

    private func read(_ request: PeerMessage) throws -> PeerMessage {
        guard let reader else { throw NodeRequestError.notFound("this node holds no ledger yet") }
        switch request {
        case .getCheckpoint:
            guard let head = try reader.latestBlock() else { throw NodeRequestError.notFound("this node holds no ledger yet") }
            return .checkpoint(head.checkpoint, cosignatures: keptCosignatures(size: head.header.treeSize))
        case .getBlocks(let from, let max):
            return .blocks(try blocks(from: from, max: max, reader))
        case .getProof(let request):
            return .proof(try proof(request, reader))
        case .getStatus:
            // A replica opens its store a moment before it writes the genesis it took from its
            // peer: until then it has no checkpoint to show, as before it had a store at all.
            guard let head = try reader.latestBlock() else { throw NodeRequestError.notFound("this node holds no ledger yet") }
            let h = PeerMessage.Head(height: head.height, treeSize: head.header.treeSize, root: head.header.treeRoot)
            let (forks, state) = lock.withLock { (self.forks, followState) }
            return .status(PeerMessage.NodeStatus(role: role.rawValue, head: h, checkpoint: head.checkpoint,
                                                  upstream: role == .replica ? config.peers.map(\.description) : [],
                                                  forks: forks, state: role == .sequencer ? "sealing" : state))
        case .query(let json):
            let query: LedgerQuery
            do { query = try LedgerQuery(json: json) } catch { throw NodeRequestError.badRequest("\(error)") }
            do {
                let a = try (queries?.answer(query, now: LedgerClock.now()) ?? QueryRunner(store: reader).answer(query, now: LedgerClock.now()))
                return .answer(output: a.output, status: Int(a.status))
            } catch let e as QueryRunner.Failure {
                throw NodeRequestError.notFound(e.description)
            } catch let e as AssessmentError {
                throw NodeRequestError.badRequest("\(e)")
            }
        default:
            throw NodeRequestError.badRequest("\(request.kind.name) is not a request")
        }
    }

    /// Blocks from `from` on, with their events, up to `max` blocks or about 8 MiB.
    private func blocks(from: UInt64, max: Int, _ store: SQLiteLedgerStore) throws -> [PeerMessage.WireBlock] {
        guard let latest = try store.latestHeight(), from <= latest else { return [] }
        var out: [PeerMessage.WireBlock] = []
        var bytes = 0
        var start = from == 0 ? 0 : (try store.block(at: from - 1)?.header.treeSize ?? 0)
        var height = from
        while height <= latest, out.count < max {
            guard let block = try store.block(at: height) else { throw NodeRequestError.internal("block \(height) is missing") }
            let leaves = try store.leaves(in: start..<block.header.treeSize)
            // Each block is at most 4 MiB of events (the sequencer seals so); an answer holds
            // at least two (a replica's head, repeated, and the next one) and no more than about
            // 8 MiB in all beyond those, well within a 16 MiB frame once the events are escaped
            // as JSON strings.
            let size = leaves.reduce(block.header.canonicalBytes.count + block.checkpoint.utf8.count) { $0 + $1.count + 8 }
            if out.count >= 2 && bytes + size > 8 << 20 { break }
            out.append(PeerMessage.WireBlock(header: block.header.canonicalBytes, signature: block.signature, checkpoint: block.checkpoint, events: leaves))
            bytes += size
            start = block.header.treeSize
            height += 1
        }
        return out
    }

    private func proof(_ request: PeerMessage.ProofRequest, _ store: SQLiteLedgerStore) throws -> PeerMessage.ProofAnswer {
        guard let head = try store.latestBlock() else { throw NodeRequestError.notFound("this node holds no ledger yet") }
        let prover = store.merkleProver(treeSize: head.header.treeSize)
        func checkpointed(_ size: UInt64) throws -> SealedBlock {
            guard size <= head.header.treeSize else { throw NodeRequestError.notFound("tree size \(size) is beyond this node's \(head.header.treeSize) events") }
            guard let block = try store.block(withTreeSize: size) else {
                throw NodeRequestError.notFound("no checkpoint was signed at tree size \(size) (checkpoints are signed when a block ends)")
            }
            return block
        }
        switch request {
        case .inclusion(let id, let size):
            guard let event = try store.event(id: id) else { throw NodeRequestError.notFound("no event \(id) in this node's ledger") }
            let block = try checkpointed(size ?? head.header.treeSize)
            guard event.index < block.header.treeSize else {
                throw NodeRequestError.notFound("event \(id) is at index \(event.index), not in the tree of size \(block.header.treeSize)")
            }
            let proof = try prover.inclusionProof(leafIndex: event.index, treeSize: block.header.treeSize)
            do { try proof.verify(leafHash: MerkleHash.leaf(event.leafBytes), root: block.header.treeRoot) } catch {
                throw NodeRequestError.internal("this node's stored tree does not prove event \(id) (\(error)); its operator should run `hadic verify`")
            }
            return PeerMessage.ProofAnswer(leafIndex: event.index, hashes: proof.hashes, checkpoint: block.checkpoint)
        case .consistency(let from, let to):
            let block = try checkpointed(to ?? head.header.treeSize)
            guard from <= block.header.treeSize else { throw NodeRequestError.badRequest("from \(from) is after to \(block.header.treeSize)") }
            let proof = try prover.consistencyProof(from: from, to: block.header.treeSize)
            do { try proof.verify(oldRoot: try prover.root(treeSize: from), newRoot: block.header.treeRoot) } catch {
                throw NodeRequestError.internal("this node's stored tree does not prove \(from) -> \(block.header.treeSize) (\(error)); its operator should run `hadic verify`")
            }
            return PeerMessage.ProofAnswer(leafIndex: nil, hashes: proof.hashes, checkpoint: block.checkpoint)
        }
    }

    /// The replica's block follower, when its ledger already exists (else it is made from genesis).
    func openFollower() throws -> BlockFollower? {
        try directory.store.latestBlock() == nil ? nil : BlockFollower(store: directory.store)
    }

    /// Seals what waits and hands back its receipts (sequencer); stops following (replica).
    func drain() {
        batcher?.drain()
        follower?.stop()
    }
}

/// Why a node could not answer a request (sent as an `error` with this code; docs/PROTOCOL.md).
enum NodeRequestError: Error, Sendable {
    case notFound(String)
    case badRequest(String)
    case `internal`(String)

    var code: String {
        switch self {
        case .notFound: return "not-found"
        case .badRequest: return "bad-request"
        case .internal: return "internal"
        }
    }

    var message: String {
        switch self {
        case .notFound(let m), .badRequest(let m), .internal(let m): return m
        }
    }
}
