import HADICCore
import HADICCrypto

/// Checks a stored ledger from genesis to head, trusting nothing stored that it can recompute.
///
/// Quick: every block's hash link, height and time order, header and checkpoint signatures, the
/// Merkle root recomputed from the stored leaf bytes, every stored Merkle node, and no stored
/// event outside a block. Full adds: every event parsed and re-canonicalised, its id and
/// columns recomputed, its signature verified (on all cores), every admission rule replayed from
/// genesis, and the derived tables compared with the replay. The first failure is reported
/// with the block or event it concerns.
public struct LedgerVerifier {
    public let store: any LedgerStore
    /// The sequencer key the caller trusts; nil to trust the one named in genesis.
    public let trustedSequencerKey: PublicKey?

    public init(store: any LedgerStore, trustedSequencerKey: PublicKey? = nil) {
        self.store = store
        self.trustedSequencerKey = trustedSequencerKey
    }

    public func verify(full: Bool) throws(VerificationFailure) -> VerificationReport {
        do {
            // One consistent moment of the ledger, even while a writer appends.
            let view = LedgerVerifier(store: try store.snapshot(), trustedSequencerKey: trustedSequencerKey)
            return try view.run(full: full)
        } catch let f as VerificationFailure {
            throw f
        } catch {
            throw VerificationFailure("store", "\(error)")
        }
    }

    private func loadBlock(_ height: UInt64) throws -> SealedBlock {
        do {
            guard let b = try store.block(at: height) else { throw VerificationFailure("block \(height)", "missing") }
            return b
        } catch let f as VerificationFailure {
            throw f
        } catch {
            throw VerificationFailure("block \(height)", "\(error)")
        }
    }

    private func run(full: Bool) throws -> VerificationReport {
        var report = VerificationReport(full: full)
        let genesisBlock = try loadBlock(0)
        guard let genesis = genesisBlock.header.genesis else { throw VerificationFailure("block 0", "is not a genesis block") }
        if let trusted = trustedSequencerKey, trusted != genesis.sequencerKey {
            throw VerificationFailure("block 0", "genesis names sequencer key \(genesis.sequencerKey.keyID.prefix(16))…, not the trusted one")
        }
        let sequencerKey = genesis.sequencerKey
        let ledgerID = Hex.encode(genesisBlock.header.hash)
        try checkSignatures(genesisBlock, genesis: genesis, key: sequencerKey)

        let admission = Admission(ledgerID: ledgerID)
        var state = genesis.initialState
        var seenIDs = Set<EventID>()
        var links: [LotLink] = []
        var frontier = MerkleFrontier()
        var computedNodes: [[[UInt8]]] = []
        var previous = genesisBlock
        guard let latestHeight = try store.latestHeight() else { throw VerificationFailure("block 0", "no blocks") }
        let latest = try loadBlock(latestHeight)
        report.blocks = 1

        // Pipeline: block h+1 is read, parsed and its signatures checked on other cores while
        // block h is replayed here. Failures are raised in the order a sequential pass finds them.
        let source = StoreHandle(store: store)
        let prepare: @Sendable (UInt64, UInt64, [String: KeyRecord]) -> PreparedBlock = { height, start, keys in
            PreparedBlock.load(height: height, firstIndex: start, full: full, keys: keys, from: source.store)
        }
        var upcoming: PreparedBlock? = latest.height >= 1 ? prepare(1, 0, state.keys) : nil
        var height: UInt64 = 1
        while height <= latest.height, let prepared = upcoming {
            let block = try prepared.block.get()
            let h = block.header
            let here = "block \(height)"
            guard h.height == height else { throw VerificationFailure(here, "header says height \(h.height)") }
            guard h.ledgerID == ledgerID else { throw VerificationFailure(here, "header names another ledger") }
            guard h.previousHash == previous.header.hash else { throw VerificationFailure(here, "previous-hash link does not match block \(height - 1)") }
            guard h.time >= previous.header.time else { throw VerificationFailure(here, "time \(h.time) is before block \(height - 1)") }
            guard h.treeSize > previous.header.treeSize else { throw VerificationFailure(here, "tree size does not grow") }
            try checkSignatures(block, genesis: genesis, key: sequencerKey)
            let ahead = height < latest.height
                ? Background { [keys = state.keys, next = height + 1, start = h.treeSize] in prepare(next, start, keys) } : nil
            // Never leave read-ahead work running when this block fails.
            defer { _ = ahead?.value }

            let range = previous.header.treeSize..<h.treeSize
            let events = try prepared.events.get()
            guard events.count == Int(range.count) else {
                throw VerificationFailure(here, "holds \(events.count) stored events, its header commits to \(range.count)")
            }
            var leafHashes: [[UInt8]] = []
            leafHashes.reserveCapacity(events.count)
            for e in events {
                guard e.block == height else { throw VerificationFailure(eventLocation(e), "stored as part of block \(e.block), but is in block \(height)") }
                let leafHash = MerkleHash.leaf(e.leafBytes)
                leafHashes.append(leafHash)
                for node in frontier.append(leafHash: leafHash) {
                    while computedNodes.count <= node.id.level { computedNodes.append([]) }
                    computedNodes[node.id.level].append(node.hash)
                }
            }
            guard frontier.root == h.treeRoot else {
                // Name the event whose bytes changed when the stored leaf hash still tells.
                for (e, leafHash) in zip(events, leafHashes) {
                    if let stored = try store.merkleNode(MerkleNodeID(level: 0, index: e.index)), stored != leafHash {
                        throw VerificationFailure(eventLocation(e), "leaf bytes do not match the Merkle tree signed in \(here)")
                    }
                }
                throw VerificationFailure(here, "events do not reproduce the signed Merkle root")
            }
            if full {
                try replay(events, prepared: prepared, block: h, state: &state, admission: admission, seen: &seenIDs, links: &links, report: &report)
            }
            report.blocks += 1
            report.events += UInt64(events.count)
            previous = block
            height += 1
            upcoming = ahead?.value
        }

        let stored = try store.eventCount()
        guard stored == latest.header.treeSize else {
            throw VerificationFailure("events table", "holds \(stored) events but the last block (\(latest.height)) commits to \(latest.header.treeSize)")
        }
        try compareMerkleNodes(computedNodes, report: &report)
        if full {
            try compareLinks(links.sorted())
            try compareDerived(replayed: state)
            report.parties = state.parties.count
            report.certificates = state.certificates.count
            report.lots = state.lots.count
        }
        report.treeSize = latest.header.treeSize
        report.root = latest.header.treeRoot
        return report
    }

    private func eventLocation(_ e: StoredEvent) -> String { "event \(e.id) (index \(e.index), block \(e.block))" }

    private func checkSignatures(_ block: SealedBlock, genesis: Genesis, key: PublicKey) throws {
        let here = "block \(block.height)"
        guard key.isValidSignature(block.signature, for: block.header.signingInput) else {
            throw VerificationFailure(here, "header signature does not verify under the sequencer key")
        }
        let cp: Checkpoint
        do {
            cp = try Checkpoint.verify(signedNote: block.checkpoint, origin: genesis.origin, sequencerKey: key)
        } catch {
            throw VerificationFailure("checkpoint of \(here)", "\(error)")
        }
        guard cp.size == block.header.treeSize, cp.root == block.header.treeRoot else {
            throw VerificationFailure("checkpoint of \(here)", "size or root differs from the block header")
        }
    }

    private func replay(_ stored: [StoredEvent], prepared: PreparedBlock, block: BlockHeader, state: inout LedgerState,
                        admission: Admission, seen: inout Set<EventID>, links: inout [LotLink],
                        report: inout VerificationReport) throws {
        var envelopes: [EventEnvelope] = []
        envelopes.reserveCapacity(stored.count)
        for (e, result) in zip(stored, prepared.parsed) {
            let env: EventEnvelope
            switch result {
            case .success(let v): env = v
            case .failure(let error): throw VerificationFailure(eventLocation(e), "\(error)")
            }
            guard env.leafBytes == e.leafBytes else { throw VerificationFailure(eventLocation(e), "leaf bytes are not canonical JSON") }
            guard env.id == e.id else { throw VerificationFailure(eventLocation(e), "stored id differs from the id of its bytes (\(env.id))") }
            guard env.type == e.type, env.actor == e.actor, env.time == e.time else {
                throw VerificationFailure(eventLocation(e), "stored type, actor or time differs from its bytes")
            }
            envelopes.append(env)
            links.append(contentsOf: LotLink.links(of: env, at: e.index))
        }
        let prechecks = prepared.prechecks
        for (i, env) in envelopes.enumerated() {
            let current = state.activeKey(env.keyID, of: env.actor)?.publicKey
            do {
                try admission.check(env, in: state, now: block.time, signatureValid: prechecks[i].result(for: current)) { seen.contains($0) }
            } catch {
                throw VerificationFailure(eventLocation(stored[i]), "would be refused: \(error)")
            }
            Admission.apply(env, to: &state)
            seen.insert(env.id)
            report.signaturesChecked += 1
        }
        state.clearTouched()
    }

    private func compareMerkleNodes(_ computed: [[[UInt8]]], report: inout VerificationReport) throws {
        var count: UInt64 = 0
        try store.forEachMerkleNode { node in
            let level = node.id.level
            guard level < computed.count, node.id.index < UInt64(computed[level].count) else {
                throw VerificationFailure("stored Merkle node \(node.id)", "is not part of the signed tree")
            }
            guard computed[level][Int(node.id.index)] == node.hash else {
                throw VerificationFailure("stored Merkle node \(node.id)", "hash differs from the one recomputed from the events")
            }
            count += 1
        }
        let expected = computed.reduce(0) { $0 + UInt64($1.count) }
        guard count == expected else {
            throw VerificationFailure("stored Merkle nodes", "\(expected - min(expected, count)) of \(expected) are missing")
        }
        report.merkleNodes = count
    }

    /// The stored provenance index against the one recomputed from the events, row by row.
    private func compareLinks(_ expected: [LotLink]) throws {
        var i = 0
        try store.forEachLotLink { stored in
            guard i < expected.count else {
                throw VerificationFailure("derived table lot_events", "row \(stored) does not follow from the events")
            }
            guard stored == expected[i] else {
                let missing = expected[i] < stored
                throw VerificationFailure("derived table lot_events",
                                          missing ? "row \(expected[i]) is missing" : "row \(stored) does not follow from the events")
            }
            i += 1
        }
        guard i == expected.count else {
            throw VerificationFailure("derived table lot_events", "row \(expected[i]) is missing")
        }
    }

    private func compareDerived(replayed: LedgerState) throws {
        let stored = try store.loadState()
        guard stored != replayed else { return }
        func diff<K: Hashable & CustomStringConvertible, V: Equatable>(_ table: String, _ a: [K: V], _ b: [K: V]) throws {
            for (k, v) in b where a[k] != v { throw VerificationFailure("derived table \(table)", "row \(k) differs from a replay of the events") }
            for k in a.keys where b[k] == nil { throw VerificationFailure("derived table \(table)", "row \(k) does not follow from the events") }
        }
        try diff("parties", stored.parties, replayed.parties)
        try diff("party_keys", stored.keys.mapKeys(Tagged.init), replayed.keys.mapKeys(Tagged.init))
        try diff("lots", stored.lots, replayed.lots)
        try diff("holdings", stored.holdings.mapKeys { Tagged("\($0.lot)@\($0.holder)") }, replayed.holdings.mapKeys { Tagged("\($0.lot)@\($0.holder)") })
        try diff("containment", stored.containment.mapKeys { Tagged("\($0.lot) in \($0.parent)") }, replayed.containment.mapKeys { Tagged("\($0.lot) in \($0.parent)") })
        try diff("shipments", stored.shipments, replayed.shipments)
        try diff("certificates", stored.certificates.mapKeys { Tagged("\($0.issuer)/\($0.number)") }, replayed.certificates.mapKeys { Tagged("\($0.issuer)/\($0.number)") })
        try diff("incidents", stored.incidents, replayed.incidents)
        throw VerificationFailure("derived tables", "differ from a replay of the events")
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
/// events parsed and their signatures checked against a snapshot of the keys.
private struct PreparedBlock: Sendable {
    var block: Result<SealedBlock, VerificationFailure>
    var events: Result<[StoredEvent], VerificationFailure>
    var parsed: [Result<EventEnvelope, AdmissionError>] = []
    var prechecks: [ParallelSignatureCheck.Precheck] = []

    static func load(height: UInt64, firstIndex: UInt64, full: Bool, keys: [String: KeyRecord], from store: any LedgerStore) -> PreparedBlock {
        let here = "block \(height)"
        let block: SealedBlock
        do {
            guard let b = try store.block(at: height) else {
                return PreparedBlock(block: .failure(VerificationFailure(here, "missing")), events: .success([]))
            }
            block = b
        } catch {
            return PreparedBlock(block: .failure(VerificationFailure(here, "\(error)")), events: .success([]))
        }
        var prepared = PreparedBlock(block: .success(block), events: .success([]))
        let events: [StoredEvent]
        do {
            events = try store.events(in: firstIndex..<max(firstIndex, block.header.treeSize))
        } catch {
            prepared.events = .failure(VerificationFailure(here, "\(error)"))
            return prepared
        }
        prepared.events = .success(events)
        if full {
            prepared.parsed = parallelMap(events) { e in
                Result { () throws(AdmissionError) -> EventEnvelope in try EventEnvelope.parse(e.leafBytes) }
            }
            prepared.prechecks = ParallelSignatureCheck.verify(prepared.parsed.compactMap { try? $0.get() }, keys: keys)
        }
        return prepared
    }
}

/// The store, shared with the read-ahead thread. Stores serialise their own access (GRDB's
/// DatabaseQueue runs every read on one queue), and the verifier only reads.
private struct StoreHandle: @unchecked Sendable {
    let store: any LedgerStore
}
