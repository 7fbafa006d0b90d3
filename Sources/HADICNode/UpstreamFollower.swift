import Foundation
import HADICCore
import HADICLedger
import HADICPeer
import HADICStore
import Logging
import NIOCore

/// A replica's link to the ledger: dials its peers in turn (the sequencer or any node), pulls
/// the blocks it lacks, has ``BlockFollower`` check each before storing it, and forwards the
/// submissions it receives. It asks again on every `announce`, and once a second otherwise.
///
/// Each pull starts at the replica's own head, so the peer's copy of that block must be the
/// replica's, byte for byte. A different block for that height, validly signed, or a signed
/// checkpoint whose root differs from the replica's at that size, is a fork: both are kept as
/// evidence and following stops (docs/PROTOCOL.md, "One history").
final class UpstreamFollower: @unchecked Sendable {
    private let node: LedgerNode
    private let group: EventLoopGroup
    private let logger: Logger
    private var follower: BlockFollower?
    private let condition = NSCondition()
    private var announced = false
    private var stopped = false
    private var connection: PeerConnection?
    /// The peer being followed, and the connection submissions are forwarded on.
    private var following: NodeAddress?
    private var forwarding: PeerConnection?
    private var inFlight = 0
    private var thread: Thread?
    /// Blocks asked for at once.
    static let batch = 256
    /// Consecutive small blocks are stored in one transaction until they hold this many events.
    static let groupEvents = 1000
    /// Groups prepared ahead of the one being stored.
    static let preparedAhead = 2

    init(node: LedgerNode, group: EventLoopGroup, follower: BlockFollower?) {
        self.node = node
        self.group = group
        self.follower = follower
        logger = node.logger
    }

    func start() {
        let t = Thread { [self] in run() }
        t.name = "hadicd-follow"
        thread = t
        t.start()
    }

    func stop() {
        waitForForwards(timeout: 60)
        condition.lock()
        stopped = true
        let c = connection, f = forwarding
        condition.broadcast()
        condition.unlock()
        c?.close()
        f?.close()
    }

    private var isStopped: Bool { condition.withLock { stopped } }

    /// Sends submissions on to the peer this replica follows, over a connection of their own
    /// (so that a slow block never delays the replica's fetches, nor they the submissions), and
    /// hands back its receipts. Before anything is sent, a failure is `unavailable` (nothing
    /// was stored); once sent, a lost answer is `unknown`: the events may have been sealed.
    func forward(_ leaves: [[UInt8]], done: @escaping @Sendable ([PeerMessage.SubmitResult]) -> Void) {
        let target: (NodeAddress, PeerConnection?)? = condition.withLock {
            guard let peer = following, !stopped else { return nil }
            inFlight += 1
            return (peer, forwarding?.channel.isActive == true ? forwarding : nil)
        }
        guard let (peer, open) = target else {
            return done(leaves.map { _ in .refused(rule: "unavailable", message: "this replica is not connected to the sequencer; nothing was stored, submit again") })
        }
        let finish: @Sendable ([PeerMessage.SubmitResult]) -> Void = { [self] results in
            condition.withLock {
                inFlight -= 1
                condition.broadcast()
            }
            done(results)
        }
        let connection: EventLoopFuture<PeerConnection>
        if let open {
            connection = open.channel.eventLoop.makeSucceededFuture(open)
        } else if let hello = node.hello(kind: .node) {
            connection = PeerConnection.connect(host: peer.host, port: peer.port, group: group, introduction: .hello(hello), key: node.key,
                                                accepts: { [node] in node.acceptsUpstream($0) }, timeout: .seconds(5))
            connection.whenSuccess { [self] c in condition.withLock { forwarding = c } }
        } else {
            return finish(leaves.map { _ in .refused(rule: "unavailable", message: "this replica holds no ledger yet; nothing was stored") })
        }
        connection.whenFailure { error in
            finish(leaves.map { _ in .refused(rule: "unavailable", message: "cannot reach the sequencer (\(error)); nothing was stored, submit again") })
        }
        connection.whenSuccess { c in
            c.request(.submit(leaves), timeout: .seconds(300)).whenComplete { result in
                switch result {
                case .success(.receipts(let results)) where results.count == leaves.count:
                    finish(results)
                case .success(let other):
                    finish(leaves.map { _ in .refused(rule: "unknown", message: "the sequencer answered \(other.kind.name); the events may have been sealed: look them up or submit again (a stored one is refused as duplicate)") })
                case .failure(let error):
                    finish(leaves.map { _ in .refused(rule: "unknown", message: "the sequencer's answer was lost (\(error)); the events may have been sealed: look them up or submit again (a stored one is refused as duplicate)") })
                }
            }
        }
    }

    /// Waits (bounded) until every forwarded submission has its answer, for a graceful stop.
    func waitForForwards(timeout: TimeInterval) {
        condition.lock()
        let deadline = Date().addingTimeInterval(timeout)
        while inFlight > 0 && Date() < deadline { _ = condition.wait(until: deadline) }
        condition.unlock()
    }

    private func run() {
        var next = 0
        let peers = node.config.peers
        while !isStopped && !node.hasForked {
            let peer = peers[next % peers.count]
            next += 1
            guard let hello = node.hello(kind: .node) else { return }
            let connecting = PeerConnection.connect(host: peer.host, port: peer.port, group: group, introduction: .hello(hello), key: node.key,
                                                    accepts: { [node] in node.acceptsUpstream($0) }, timeout: .seconds(5),
                                                    onAnnounce: { [weak self] _ in self?.wake() })
            let c: PeerConnection
            do {
                c = try connecting.wait()
            } catch {
                node.setFollowState("connecting: \(peer) failed (\(error))")
                logger.warning("cannot follow peer", metadata: ["peer": "\(peer)", "error": "\(error)"])
                pause(seconds: 1)
                continue
            }
            condition.withLock {
                connection = c
                if following != peer { forwarding?.close(); forwarding = nil }
                following = peer
            }
            node.setFollowState("following \(peer)")
            logger.info("following peer", metadata: ["peer": "\(peer)", "peer_height": "\(c.peer.head.height)"])
            do {
                var height = follower?.head.height
                var progressed = Date()
                while !isStopped && !node.hasForked {
                    let caughtUp = try pull(from: c, peer: peer)
                    if follower?.head.height != height {
                        height = follower?.head.height
                        progressed = Date()
                    } else if peers.count > 1, Date().timeIntervalSince(progressed) >= Double(node.config.peerStallSeconds) {
                        // A peer that is alive but gives nothing new may itself be stuck: move to
                        // another peer that is ahead, if one is.
                        progressed = Date()
                        if let ahead = peerAhead(of: height ?? 0, among: peers, excluding: peer) {
                            logger.notice("moving to a peer that is ahead", metadata: ["from": "\(peer)", "to": "\(peers[ahead])"])
                            next = ahead
                            break
                        }
                    }
                    if caughtUp { waitForAnnounce(seconds: 1) }
                }
            } catch {
                logger.error("stopped following peer", metadata: ["peer": "\(peer)", "reason": "\(error)"])
                node.setFollowState("peer \(peer) dropped: \(error)")
            }
            condition.withLock { connection = nil }
            c.close()
            if !isStopped { pause(seconds: 1) }
        }
    }

    /// The index of the first peer (other than `current`) whose head, as its hello states it, is
    /// above `height`; nil if none is (or none answers within a few seconds).
    private func peerAhead(of height: UInt64, among peers: [NodeAddress], excluding current: NodeAddress) -> Int? {
        for (i, candidate) in peers.enumerated() where candidate != current {
            guard !isStopped, let hello = node.hello(kind: .node) else { return nil }
            let probe = PeerConnection.connect(host: candidate.host, port: candidate.port, group: group, introduction: .hello(hello), key: node.key,
                                               accepts: { [node] in node.acceptsUpstream($0) }, timeout: .seconds(5))
            guard let c = try? probe.wait() else { continue }
            let theirs = c.peer.head.height
            c.close()
            if theirs > height { return i }
        }
        return nil
    }

    /// One round: the blocks after this node's head, fetched and stored as a pipeline (while
    /// one group of blocks is stored here, the next groups are parsed and their signatures
    /// checked on every core, and the next answer is fetched). True when nothing more was there.
    private func pull(from c: PeerConnection, peer: NodeAddress) throws -> Bool {
        guard let follower = try bootstrapIfNeeded(from: c) else { return true }
        let head = follower.head
        let wire = try fetch(c, from: head.height)
        guard let first = wire.first else {
            // The peer is behind this node: its head must be a prefix of ours.
            try checkPeerBehind(c, peer: peer, follower: follower)
            return true
        }
        let theirs = try sealedBlock(first)
        // The answer must start at this node's head's height: another height is a bad peer, not a fork.
        guard theirs.height == head.height else { throw ReplicationError.outOfOrder(expected: head.height, got: theirs.height) }
        // Blocks are the same when their hashes are (a checkpoint note may carry other
        // signature lines, which prove nothing either way).
        if theirs.header.hash != head.header.hash {
            try BlockFollower.checkSignatures(theirs, genesis: follower.genesis)
            node.recordFork(ForkEvidence(kind: .block, position: head.height, ours: head.evidenceText, theirs: theirs.evidenceText,
                                         peer: "\(peer)", foundAt: LedgerClock.now(), reason: "two blocks signed for height \(head.height)"))
            return true
        }
        // Two threads: a producer fetches the answers (the next while this one is prepared) and
        // prepares their blocks in groups, parsing and checking signatures on the workers (every
        // core), up to `preparedAhead` groups ahead; this thread admits and stores each group.
        // Nothing waits at an answer's end: the next answer's first group is prepared while
        // this answer's last is stored.
        let blocks = try wire.dropFirst().map { (block: try sealedBlock($0), leaves: $0.events) }
        let prepared = Handoff<Result<[BlockFollower.PreparedBlock], Error>>(capacity: Self.preparedAhead)
        let producer = Background { [self, keys = follower.keySnapshot] in prepareAnswers(startingWith: blocks, keys: keys, from: c, into: prepared) }
        // Never leave the producer running past a failure or a stop (it ends its fetch first).
        defer {
            prepared.cancel()
            _ = producer.value
        }
        while let next = prepared.take() {
            let group = try next.get()
            guard let last = group.last else { continue }
            let before = follower.head.height
            do {
                try follower.append(group)
            } catch {
                // The blocks of the group before the bad one were stored: the node's head,
                // queries and announces move to them before the error ends this round.
                if follower.head.height != before { node.didAppend(follower.head, nodeKeys: follower.nodeKeys) }
                throw error
            }
            node.didAppend(last.block, nodeKeys: follower.nodeKeys)
            if isStopped || node.hasForked { return false }
        }
        logger.debug("caught up", metadata: ["height": "\(follower.head.height)", "answers": "\(producer.value ?? 0)"])
        return true
    }

    /// The producer of ``pull(from:peer:)``: prepares `blocks` and the blocks of every answer
    /// after them, in groups, into `out`, fetching each answer while the one before is prepared.
    /// An answer with new blocks may have been cut short (count or bytes), so it asks again from
    /// its last block until an answer holds nothing new. Returns how many answers it used.
    private func prepareAnswers(startingWith blocks: [(block: SealedBlock, leaves: [[UInt8]])], keys: [String: KeyRecord],
                                from c: PeerConnection, into out: Handoff<Result<[BlockFollower.PreparedBlock], Error>>) -> Int {
        defer { out.finish() }
        var blocks = blocks, keys = keys, answers = 0
        while let last = blocks.last?.block, !out.isCancelled {
            answers += 1
            let nextAnswer = Background { [self] in
                Result { () throws -> [(block: SealedBlock, leaves: [[UInt8]])] in
                    let next = try fetch(c, from: last.height)
                    guard let echo = try next.first.map(sealedBlock), echo.height == last.height, echo.header.hash == last.header.hash else {
                        throw ReplicationError.badHeader(height: last.height, why: "the peer sent another block for this height than a moment ago")
                    }
                    return try next.dropFirst().map { (block: try sealedBlock($0), leaves: $0.events) }
                }
            }
            for group in Self.groups(of: blocks) {
                let prepared = BlockFollower.prepare(group, keys: keys)
                if let after = prepared.last?.keysAfter { keys = after }
                guard out.put(.success(prepared)) else {
                    _ = nextAnswer.value
                    return answers
                }
            }
            switch nextAnswer.value {
            case .success(let next)?: blocks = next
            case .failure(let error)?:
                out.put(.failure(error))
                return answers
            case nil: return answers
            }
        }
        return answers
    }

    /// Consecutive blocks cut into groups of at least `groupEvents` events (the last may hold
    /// fewer): small blocks are stored together, one transaction for each group.
    static func groups(of blocks: [(block: SealedBlock, leaves: [[UInt8]])]) -> [[(block: SealedBlock, leaves: [[UInt8]])]] {
        var groups: [[(block: SealedBlock, leaves: [[UInt8]])]] = []
        var current: [(block: SealedBlock, leaves: [[UInt8]])] = []
        var events = 0
        for b in blocks {
            current.append(b)
            events += b.leaves.count
            if events >= groupEvents {
                groups.append(current)
                current = []
                events = 0
            }
        }
        if !current.isEmpty { groups.append(current) }
        return groups
    }

    private func fetch(_ c: PeerConnection, from height: UInt64) throws -> [PeerMessage.WireBlock] {
        let started = DispatchTime.now().uptimeNanoseconds
        guard case .blocks(let wire) = try c.request(.getBlocks(from: height, max: Self.batch), timeout: .seconds(120)).wait() else {
            throw PeerClientError.unexpectedAnswer(expected: "blocks", got: "another message")
        }
        logger.debug("fetched", metadata: ["from": "\(height)", "blocks": "\(wire.count)", "ms": "\((DispatchTime.now().uptimeNanoseconds - started) / 1_000_000)"])
        return wire
    }

    /// A fresh replica takes genesis from its peer, once it hashes to the configured ledger id.
    private func bootstrapIfNeeded(from c: PeerConnection) throws -> BlockFollower? {
        if let follower { return follower }
        guard case .blocks(let wire) = try c.request(.getBlocks(from: 0, max: 1)).wait(), let first = wire.first, let id = node.ledgerIDValue else {
            return nil
        }
        try BlockFollower.bootstrap(store: node.directory.store, genesisBlock: try sealedBlock(first), ledgerID: id)
        let f = try BlockFollower(store: node.directory.store)
        follower = f
        node.didBootstrap(ledgerID: f.ledgerID, head: f.head, nodeKeys: f.nodeKeys)
        logger.info("took genesis from peer", metadata: ["ledger": "\(f.ledgerID)"])
        return f
    }

    /// A peer behind this node shows a checkpoint of a smaller tree: its root must be this
    /// node's root at that size, or the two histories differ.
    private func checkPeerBehind(_ c: PeerConnection, peer: NodeAddress, follower: BlockFollower) throws {
        guard case .checkpoint(let note, _) = try c.request(.getCheckpoint).wait() else { return }
        let cp: Checkpoint
        do {
            cp = try Checkpoint.verify(signedNote: note, origin: follower.genesis.origin, sequencerKey: follower.genesis.sequencerKey)
        } catch {
            throw ReplicationError.badSignature(height: 0, what: "the peer's checkpoint (\(error))")
        }
        let head = follower.head.header
        guard cp.size <= head.treeSize else { return }  // it grew meanwhile: the next pull gets its blocks
        let ours = try node.directory.store.merkleProver(treeSize: head.treeSize).root(treeSize: cp.size)
        guard ours != cp.root else { return }
        // Evidence is two signed statements anyone can check: this node's checkpoint at the same
        // size, when a block of its ended there. Otherwise the disagreement is only provable
        // with this node's tree: it is logged and the peer dropped.
        guard let ourBlock = try node.directory.store.block(withTreeSize: cp.size) else {
            throw ReplicationError.badHeader(height: 0, why: "the peer's signed checkpoint at size \(cp.size) has another root than this node's tree at that size")
        }
        node.recordFork(ForkEvidence(kind: .checkpoint, position: cp.size, ours: ourBlock.checkpoint, theirs: note, peer: "\(peer)", foundAt: LedgerClock.now(),
                                     reason: "two checkpoints signed for tree size \(cp.size) with different roots"))
    }

    private func sealedBlock(_ w: PeerMessage.WireBlock) throws -> SealedBlock {
        let header = try BlockHeader.parse(w.header)
        return SealedBlock(header: header, signature: w.signature, checkpoint: w.checkpoint)
    }

    private func wake() {
        condition.withLock {
            announced = true
            condition.broadcast()
        }
    }

    private func waitForAnnounce(seconds: Double) {
        condition.lock()
        let deadline = Date().addingTimeInterval(seconds)
        while !announced && !stopped && Date() < deadline { _ = condition.wait(until: deadline) }
        announced = false
        condition.unlock()
    }

    private func pause(seconds: Double) {
        condition.lock()
        let deadline = Date().addingTimeInterval(seconds)
        while !stopped && Date() < deadline { _ = condition.wait(until: deadline) }
        condition.unlock()
    }
}
