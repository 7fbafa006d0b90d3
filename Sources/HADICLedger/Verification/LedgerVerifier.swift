import HADICCore
import HADICCrypto

/// Checks a stored ledger from genesis to head, trusting nothing stored that it can recompute.
///
/// Quick: every block's hash link, height and time order, header and checkpoint signatures, the
/// Merkle root recomputed from the stored leaf bytes, every stored Merkle node, and no stored
/// event outside a block. Full adds: every event parsed and re-canonicalised, its id and
/// columns recomputed, its signature verified (on all cores), every admission rule replayed from
/// genesis, and the derived tables compared with the replay. ``verify(full:)`` stops at the
/// first failure and throws it, naming the block or event it concerns; ``audit(_:)`` goes on
/// past failures that leave the rest checkable and reports them all (docs/AUDIT.md).
public struct LedgerVerifier {
    public let store: any LedgerStore
    /// The sequencer key the caller trusts; nil to trust the one named in genesis.
    public let trustedSequencerKey: PublicKey?

    public init(store: any LedgerStore, trustedSequencerKey: PublicKey? = nil) {
        self.store = store
        self.trustedSequencerKey = trustedSequencerKey
    }

    public func verify(full: Bool) throws(VerificationFailure) -> VerificationReport {
        let report = audit(AuditOptions(full: full, maxFailures: 1))
        if let first = report.failures.first { throw first }
        return report
    }

    /// Checks the ledger as `options` say and reports every failure found, up to the limit.
    public func audit(_ options: AuditOptions) -> VerificationReport {
        var report = VerificationReport(full: options.full)
        var log = FailureLog(limit: options.maxFailures)
        do {
            // One consistent moment of the ledger, even while a writer appends.
            let view = LedgerVerifier(store: try store.snapshot(), trustedSequencerKey: trustedSequencerKey)
            try view.run(options, report: &report, log: &log)
        } catch let f as VerificationFailure {
            log.recordFinal(f)
        } catch is FailureLog.LimitReached {
            // The report holds what was found.
        } catch {
            log.recordFinal(VerificationFailure("store", "\(error)"))
        }
        report.failures = log.failures
        report.failuresTruncated = log.truncated
        return report
    }

    private func loadBlock(_ height: UInt64) throws -> SealedBlock {
        do {
            guard let b = try store.block(at: height) else { throw VerificationFailure.block(height, .blockMissing, "missing") }
            return b
        } catch let f as VerificationFailure {
            throw f
        } catch {
            throw VerificationFailure.block(height, .blockHeader, "\(error)")
        }
    }

    /// Everything replayed so far: the state the admission rules read, and what the derived
    /// tables are compared with at the end.
    struct Replay {
        var state: LedgerState
        var seenIDs = Set<EventID>()
        var links = ReplayedIndex()
        var frontier = MerkleFrontier()
        var computedNodes: [[[UInt8]]] = []
        /// An event failed a check of the replay: the stored derived tables are then expected
        /// to differ from it, and are not compared.
        var eventFailed = false

        init(state: LedgerState) {
            self.state = state
            // Compared, never persisted: no need to note what each event touched.
            self.state.tracksTouched = false
        }

        mutating func append(leafHash: [UInt8]) {
            for node in frontier.append(leafHash: leafHash) {
                while computedNodes.count <= node.id.level { computedNodes.append([]) }
                computedNodes[node.id.level].append(node.hash)
            }
        }
    }

    private func run(_ options: AuditOptions, report: inout VerificationReport, log: inout FailureLog) throws {
        let full = options.full
        let genesisBlock = try loadBlock(0)
        guard let genesis = genesisBlock.header.genesis else { throw VerificationFailure.block(0, .blockHeader, "is not a genesis block") }
        if let trusted = trustedSequencerKey, trusted != genesis.sequencerKey {
            throw VerificationFailure.block(0, .trustedKey, "genesis names sequencer key \(genesis.sequencerKey.keyID.prefix(16))…, not the trusted one")
        }
        let sequencerKey = genesis.sequencerKey
        let ledgerID = Hex.encode(genesisBlock.header.hash)
        try checkSignatures(genesisBlock, genesis: genesis, key: sequencerKey, log: &log)

        let admission = Admission.withEPCIS(ledgerID: ledgerID)
        var replay = Replay(state: genesis.initialState)
        var previous = genesisBlock
        guard let latestHeight = try store.latestHeight() else { throw VerificationFailure.block(0, .blockMissing, "no blocks") }
        let latest = try loadBlock(latestHeight)
        report.headHeight = latest.height
        report.headCheckpoint = latest.checkpoint
        report.blocks = 1

        if let note = options.since {
            let since = try AuditedPrefix.checkpoint(note, genesis: genesis)
            report.since = since
            let base = try AuditedPrefix.base(of: since, note: note, latest: latest, store: store)
            try checkSignatures(base, genesis: genesis, key: sequencerKey, log: &log)
            try AuditedPrefix.requireSameRoot(base, since, note: note)
            replay = try AuditedPrefix.replay(store, upTo: since, state: replay.state)
            report.prefixEvents = since.size
            report.blocks = 0
            previous = base
        }
        report.firstHeight = previous.height + 1

        // Pipeline: a producer reads, parses and checks the signatures of the blocks ahead (a
        // few at most, each parsed and checked on every core) while this thread replays the
        // rules of earlier ones. It checks signatures against its own guess of the keys (the
        // keys after the blocks before, as if every event is admitted); the replay uses a
        // precheck only when the state then holds that same key, and verifies again otherwise.
        // Failures are raised in the order a sequential pass finds them.
        let source = StoreHandle(store: store)
        let first = previous.height + 1, last = latest.height
        let readAhead = ReadAhead<PreparedBlock>(depth: 3) { [keys = replay.state.keys, start = previous.header.treeSize] emit in
            var keys = keys, start = start
            for height in first...max(first, last) where height <= last {
                let prepared = PreparedBlock.load(height: height, firstIndex: start, full: full, keys: keys, from: source.store)
                guard emit(prepared), case .success(let b) = prepared.block, b.header.treeSize > start else { return }
                keys = prepared.keysAfter
                start = b.header.treeSize
            }
        }
        // Never leave read-ahead work running when the audit stops, at a failure or not.
        defer { readAhead.stop() }
        var height = first
        while height <= latest.height, let prepared = readAhead.next() {
            let block = try prepared.block.get()
            let h = block.header
            guard h.treeSize > previous.header.treeSize else {
                throw VerificationFailure.block(height, .blockSize, "tree size does not grow")
            }
            if h.height != height { try log.record(.block(height, .blockHeader, "header says height \(h.height)")) }
            if h.ledgerID != ledgerID { try log.record(.block(height, .blockHeader, "header names another ledger")) }
            if h.previousHash != previous.header.hash {
                try log.record(.block(height, .blockLink, "previous-hash link does not match block \(height - 1)"))
            }
            if h.time < previous.header.time { try log.record(.block(height, .blockTime, "time \(h.time) is before block \(height - 1)")) }
            try checkSignatures(block, genesis: genesis, key: sequencerKey, log: &log)

            let range = previous.header.treeSize..<h.treeSize
            let events = try prepared.events.get()
            guard events.count == Int(range.count) else {
                throw VerificationFailure.block(height, .eventCount, "holds \(events.count) stored events, its header commits to \(range.count)")
            }
            var leafHashes: [[UInt8]] = []
            leafHashes.reserveCapacity(events.count)
            for e in events {
                if e.block != height { try log.record(.event(e, .eventBlock, "stored as part of block \(e.block), but is in block \(height)")) }
                let leafHash = MerkleHash.leaf(e.leafBytes)
                leafHashes.append(leafHash)
                replay.append(leafHash: leafHash)
            }
            guard replay.frontier.root == h.treeRoot else {
                // Name the event whose bytes changed when the stored leaf hash still tells.
                for (e, leafHash) in zip(events, leafHashes) {
                    if let stored = try store.merkleNode(MerkleNodeID(level: 0, index: e.index)), stored != leafHash {
                        try log.record(.event(e, .eventLeaf, "leaf bytes do not match the Merkle tree signed in block \(height)"))
                    }
                }
                // The tree no longer follows the signed one: nothing after this block can be checked.
                throw VerificationFailure.block(height, .merkleRoot, "events do not reproduce the signed Merkle root")
            }
            if full {
                try replayEvents(events, prepared: prepared, block: h, replay: &replay, admission: admission, report: &report, log: &log)
            }
            report.blocks += 1
            report.events += UInt64(events.count)
            previous = block
            height += 1
        }

        let stored = try store.eventCount()
        if stored != latest.header.treeSize {
            let problem = "holds \(stored) events but the last block (\(latest.height)) commits to \(latest.header.treeSize)"
            // Name the first event outside every block (the head block's row lost, say), so the
            // report points at what is left over and at the block its row claims.
            let firstOutside = stored > latest.header.treeSize
                ? (try? store.events(in: latest.header.treeSize..<(latest.header.treeSize + 1)))?.first : nil
            try log.record(VerificationFailure("events table", problem + (firstOutside.map { ", from event \($0.id) (index \($0.index)) on" } ?? ""),
                                               check: .eventsTable, block: firstOutside?.block,
                                               leafIndex: firstOutside?.index, eventID: firstOutside?.id.hex))
        }
        if let since = report.since {
            report.consistencyProof = try AuditedPrefix.consistencyProof(from: since, to: latest, store: store, log: &log)
        }
        if options.derivedTables {
            let compareReplay = full && !replay.eventFailed
            // CPU-only parts run on another core while this thread reads the tables: the
            // replayed index is put into lot_events' order during the Merkle node comparison
            // and the derived tables' load, and the derived tables are compared with the replay
            // during the read of lot_events.
            let sortedLinks = compareReplay ? Background { [links = replay.links] in links.ordered() } : nil
            try comparing(&log) { try compareMerkleNodes(replay.computedNodes, report: &report) }
            if compareReplay, let sortedLinks {
                let stored = Result { try store.loadState() }
                let derived = Background { [replayed = replay.state] in
                    Result { () throws -> Void in try Self.compareDerived(stored: try stored.get(), replayed: replayed) }
                }
                defer { _ = derived.value }
                try comparing(&log) { try compareLinks(sortedLinks.value ?? []) }
                try comparing(&log) { try derived.value?.get() }
            }
        }
        if full {
            report.parties = replay.state.parties.count
            report.certificates = replay.state.certificates.count
            report.lots = replay.state.lots.count
        }
        report.treeSize = latest.header.treeSize
        report.root = latest.header.treeRoot
    }

    /// Runs one comparison that stops at its first difference, recording it.
    private func comparing(_ log: inout FailureLog, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let f as VerificationFailure {
            try log.record(f)
        }
    }

    private func checkSignatures(_ block: SealedBlock, genesis: Genesis, key: PublicKey, log: inout FailureLog) throws {
        let height = block.height
        if !key.isValidSignature(block.signature, for: block.header.signingInput) {
            try log.record(.block(height, .headerSignature, "header signature does not verify under the sequencer key"))
        }
        let cp: Checkpoint
        do {
            cp = try Checkpoint.verify(signedNote: block.checkpoint, origin: genesis.origin, sequencerKey: key)
        } catch {
            return try log.record(VerificationFailure("checkpoint of block \(height)", "\(error)", check: .checkpoint, block: height))
        }
        if cp.size != block.header.treeSize || cp.root != block.header.treeRoot {
            try log.record(VerificationFailure("checkpoint of block \(height)", "size or root differs from the block header", check: .checkpoint, block: height))
        }
    }

    private func replayEvents(_ stored: [StoredEvent], prepared: PreparedBlock, block: BlockHeader, replay: inout Replay,
                              admission: Admission, report: inout VerificationReport, log: inout FailureLog) throws {
        // Events that parsed, with their stored rows; the prechecks are of these, in this order.
        var parsed: [(env: EventEnvelope, stored: StoredEvent)] = []
        parsed.reserveCapacity(stored.count)
        for (e, result) in zip(stored, prepared.parsed) {
            let env: EventEnvelope
            switch result {
            case .success(let v): env = v
            case .failure(let error):
                replay.eventFailed = true
                try log.record(.event(e, .eventParse, "\(error)", rule: error.rule.rawValue))
                continue
            }
            if env.leafBytes != e.leafBytes { try log.record(.event(e, .eventCanonical, "leaf bytes are not canonical JSON")) }
            if env.id != e.id { try log.record(.event(e, .eventID, "stored id differs from the id of its bytes (\(env.id))")) }
            if env.type != e.type || env.actor != e.actor || env.time != e.time {
                try log.record(.event(e, .eventColumns, "stored type, actor or time differs from its bytes"))
            }
            parsed.append((env, e))
            replay.links.append(contentsOf: LotLink.links(of: env, at: e.index))
        }
        let prechecks = prepared.prechecks
        for (i, item) in parsed.enumerated() {
            let env = item.env
            let current = replay.state.activeKey(env.keyID, of: env.actor)?.publicKey
            report.signaturesChecked += 1
            do {
                try admission.check(env, in: replay.state, now: block.time, signatureValid: prechecks[i].result(for: current)) { replay.seenIDs.contains($0) }
            } catch {
                // A faithful replay leaves a refused event out; later events are judged without it.
                replay.eventFailed = true
                try log.record(.event(item.stored, .admission, "would be refused: \(error)", rule: error.rule.rawValue))
                continue
            }
            Admission.apply(env, to: &replay.state)
            replay.seenIDs.insert(env.id)
        }
        replay.state.clearTouched()
    }

    private func compareMerkleNodes(_ computed: [[[UInt8]]], report: inout VerificationReport) throws {
        var count: UInt64 = 0
        try store.forEachMerkleNode { node in
            let level = node.id.level
            guard level < computed.count, node.id.index < UInt64(computed[level].count) else {
                throw VerificationFailure("stored Merkle node \(node.id)", "is not part of the signed tree", check: .merkleNode)
            }
            guard computed[level][Int(node.id.index)] == node.hash else {
                throw VerificationFailure("stored Merkle node \(node.id)", "hash differs from the one recomputed from the events", check: .merkleNode,
                                          leafIndex: level == 0 ? node.id.index : nil)
            }
            count += 1
        }
        let expected = computed.reduce(0) { $0 + UInt64($1.count) }
        guard count == expected else {
            throw VerificationFailure("stored Merkle nodes", "\(expected - min(expected, count)) of \(expected) are missing", check: .merkleNode)
        }
        report.merkleNodes = count
    }

    /// The stored provenance index against the one recomputed from the events, row by row.
    private func compareLinks(_ expected: [LotLink]) throws {
        var i = 0
        // A stored row equal byte for byte to the expected one comes as nil, undecoded.
        try store.forEachLotLink(beside: expected) { stored in
            guard let stored else { return i += 1 }
            guard i < expected.count else {
                throw VerificationFailure("derived table lot_events", "row \(stored) does not follow from the events", check: .derivedTable)
            }
            guard stored == expected[i] else {
                let missing = expected[i] < stored
                throw VerificationFailure("derived table lot_events",
                                          missing ? "row \(expected[i]) is missing" : "row \(stored) does not follow from the events", check: .derivedTable)
            }
            i += 1
        }
        guard i == expected.count else {
            throw VerificationFailure("derived table lot_events", "row \(expected[i]) is missing", check: .derivedTable)
        }
    }

    private static func compareDerived(stored: LedgerState, replayed: LedgerState) throws {
        guard stored != replayed else { return }
        func diff<K: Hashable & CustomStringConvertible, V: Equatable>(_ table: String, _ a: [K: V], _ b: [K: V]) throws {
            for (k, v) in b where a[k] != v { throw VerificationFailure("derived table \(table)", "row \(k) differs from a replay of the events", check: .derivedTable) }
            for k in a.keys where b[k] == nil { throw VerificationFailure("derived table \(table)", "row \(k) does not follow from the events", check: .derivedTable) }
        }
        try diff("parties", stored.parties, replayed.parties)
        try diff("party_keys", stored.keys.mapKeys(Tagged.init), replayed.keys.mapKeys(Tagged.init))
        try diff("lots", stored.lots, replayed.lots)
        try diff("holdings", stored.holdings.mapKeys { Tagged("\($0.lot)@\($0.holder)") }, replayed.holdings.mapKeys { Tagged("\($0.lot)@\($0.holder)") })
        try diff("containment", stored.containment.mapKeys { Tagged("\($0.lot) in \($0.parent)") }, replayed.containment.mapKeys { Tagged("\($0.lot) in \($0.parent)") })
        try diff("shipments", stored.shipments, replayed.shipments)
        try diff("certificates", stored.certificates.mapKeys { Tagged("\($0.issuer)/\($0.number)") }, replayed.certificates.mapKeys { Tagged("\($0.issuer)/\($0.number)") })
        try diff("incidents", stored.incidents, replayed.incidents)
        try diff("epcis_event_hashes", stored.epcisEvents.mapKeys(Tagged.init), replayed.epcisEvents.mapKeys(Tagged.init))
        throw VerificationFailure("derived tables", "differ from a replay of the events", check: .derivedTable)
    }
}

/// A string key that prints as itself, for naming rows; compared by bytes, like SQLite.
private struct Tagged: Hashable, CustomStringConvertible {
    let description: String
    init(_ s: String) { description = s }
    static func == (a: Tagged, b: Tagged) -> Bool { a.description.utf8.elementsEqual(b.description.utf8) }
    func hash(into hasher: inout Hasher) { for byte in description.utf8 { hasher.combine(byte) } }
}

extension Dictionary {
    fileprivate func mapKeys<K: Hashable>(_ f: (Key) -> K) -> [K: Value] {
        Dictionary<K, Value>(map { (f($0.key), $0.value) }, uniquingKeysWith: { a, _ in a })
    }
}

/// One block read ahead of the replay: its header, its events, and (for a full check) the
/// events parsed and their signatures checked, in one pass over the cores, against the keys the
/// producer expects then.
private struct PreparedBlock: Sendable {
    var block: Result<SealedBlock, VerificationFailure>
    var events: Result<[StoredEvent], VerificationFailure>
    var parsed: [Result<EventEnvelope, AdmissionError>] = []
    /// One per event that parsed, in order.
    var prechecks: [ParallelSignatureCheck.Precheck] = []
    /// The keys after this block if every event in it is admitted: the guess for the next.
    var keysAfter: [String: KeyRecord] = [:]

    static func load(height: UInt64, firstIndex: UInt64, full: Bool, keys: [String: KeyRecord], from store: any LedgerStore) -> PreparedBlock {
        let block: SealedBlock
        do {
            guard let b = try store.block(at: height) else {
                return PreparedBlock(block: .failure(.block(height, .blockMissing, "missing")), events: .success([]))
            }
            block = b
        } catch {
            return PreparedBlock(block: .failure(.block(height, .blockHeader, "\(error)")), events: .success([]))
        }
        var prepared = PreparedBlock(block: .success(block), events: .success([]), keysAfter: keys)
        let events: [StoredEvent]
        do {
            events = try store.events(in: firstIndex..<max(firstIndex, block.header.treeSize))
        } catch {
            prepared.events = .failure(.block(height, .store, "\(error)"))
            return prepared
        }
        prepared.events = .success(events)
        if full {
            // The same single pass a node's ingest makes: each event parsed and its signature
            // checked by the same task, the envelopes never copied.
            let batch = PreparedBatch(parsing: events.map(\.leafBytes), keys: keys)
            prepared.parsed = batch.inputs
            prepared.prechecks = batch.prechecks
            prepared.keysAfter = batch.keysAfter
        }
        return prepared
    }
}

/// The store, shared with the read-ahead thread. Stores serialise their own access (GRDB's
/// DatabaseQueue runs every read on one queue), and the verifier only reads.
private struct StoreHandle: @unchecked Sendable {
    let store: any LedgerStore
}
