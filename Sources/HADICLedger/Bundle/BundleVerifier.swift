import HADICCore
import HADICCrypto

/// Checks a ``ProvenanceBundle`` offline, trusting only the sequencer's public key
/// (`hadic verify-bundle`), in this order, stopping at the first item that fails:
/// 1. the genesis block: canonical, hashing to the ledger id, naming the trusted sequencer key,
///    signed by it;
/// 2. the checkpoint: signed by that key under the genesis origin;
/// 3. every event: inside the checkpoint's tree, its inclusion proof leading to the signed root,
///    its leaf a canonical envelope of this ledger;
/// 4. every event's signer, in ledger order, as admission checked it: a key registered (by an
///    event in the bundle, or in genesis) to its actor, not retired, the actor not revoked, its
///    role allowed to sign the event's type, and the signature itself. So every party traces
///    back to a registration signed by an admin that genesis names;
/// 5. completeness: the lot and every lot it was made from or packed from have their making
///    event in the bundle, and every receipt of them its shipment.
public struct BundleVerifier {
    public let trustedKey: PublicKey

    public init(trustedKey: PublicKey) { self.trustedKey = trustedKey }

    /// What a valid bundle holds, checked.
    public struct Verified: Sendable {
        public let bundle: ProvenanceBundle
        public let genesis: Genesis
        public let checkpoint: Checkpoint
        /// The events, parsed, by leaf index.
        public let events: [(index: UInt64, envelope: EventEnvelope)]
        /// The lot and everything it was made or packed from, as the bundle's events say.
        public let closureLots: [LotID]
        public let signaturesChecked: Int
        /// The provenance-index rows the events make (``LotLink/links(of:at:)``), by lot (each
        /// lot's in ledger order) and by leaf index: derived once, for the checks and for readers.
        public let rowsByLot: [LotID: [LotLink]]
        public let rowsByEvent: [UInt64: [LotLink]]
    }

    public func verify(_ bundle: ProvenanceBundle) throws(BundleError) -> Verified {
        // 1. Genesis.
        let header: BlockHeader
        do { header = try BlockHeader.parse(bundle.genesisHeader) } catch { throw .invalid(item: "genesis", reason: "header does not parse: \(error)") }
        guard let genesis = header.genesis, header.height == 0 else { throw .invalid(item: "genesis", reason: "the header is not a genesis header") }
        guard header.canonicalBytes == bundle.genesisHeader else { throw .invalid(item: "genesis", reason: "the header is not in its canonical form") }
        guard Hex.encode(header.hash) == bundle.ledgerID else { throw .invalid(item: "genesis", reason: "its hash is not the ledger id \(bundle.ledgerID)") }
        guard genesis.sequencerKey.spkiDER == trustedKey.spkiDER else {
            throw .invalid(item: "genesis", reason: "it names sequencer key \(genesis.sequencerKey.keyID.prefix(16))…, not the trusted key \(trustedKey.keyID.prefix(16))…")
        }
        guard trustedKey.isValidSignature(bundle.genesisSignature, for: header.signingInput) else {
            throw .invalid(item: "genesis", reason: "its signature does not verify under the trusted key")
        }

        // 2. Checkpoint.
        let checkpoint: Checkpoint
        do { checkpoint = try Checkpoint.verify(signedNote: bundle.checkpoint, origin: genesis.origin, sequencerKey: trustedKey) } catch {
            throw .invalid(item: "checkpoint", reason: "\(error)")
        }

        // 3. Inclusion, and each leaf an event of this ledger.
        var events: [(index: UInt64, envelope: EventEnvelope)] = []
        events.reserveCapacity(bundle.events.count)
        for entry in bundle.events {
            let item = "event at index \(entry.index)"
            do {
                try InclusionProof(leafIndex: entry.index, treeSize: checkpoint.size, hashes: entry.proof)
                    .verify(leafHash: MerkleHash.leaf(entry.leaf), root: checkpoint.root)
            } catch { throw .invalid(item: item, reason: "inclusion proof: \(error)") }
            let e: EventEnvelope
            do { e = try EventEnvelope.parse(entry.leaf) } catch { throw .invalid(item: item, reason: "leaf is not an event: \(error)") }
            guard e.leafBytes == entry.leaf else { throw .invalid(item: item, reason: "leaf is not the canonical envelope") }
            guard e.ledger == bundle.ledgerID else { throw .invalid(item: item, reason: "event \(e.id.hex) belongs to ledger \(e.ledger)") }
            events.append((entry.index, e))
        }

        // 4. Signers, in ledger order. The signatures themselves are checked first, on every
        // core, each under the key its event names as the events before it left the keys (up
        // to the first failure below, that is the state the checks in order see).
        var replay = genesis.initialState
        var signers: [(key: PublicKey?, envelope: EventEnvelope)] = []
        signers.reserveCapacity(events.count)
        for (_, e) in events {
            signers.append((replay.keys[e.keyID]?.publicKey, e))
            if e.type == .partyRegister || e.type == .partyRotateKey || e.type == .partyRevoke { Admission.apply(e, to: &replay) }
        }
        let signatureValid = parallelMap(signers) { signer in
            signer.key.map { $0.isValidSignature(signer.envelope.signature, for: signer.envelope.signingInput) } ?? false
        }
        var state = genesis.initialState
        for (position, (index, e)) in events.enumerated() {
            let item = "event \(e.id.hex) (index \(index))"
            guard let key = state.keys[e.keyID] else {
                throw .invalid(item: item, reason: "its key \(e.keyID.prefix(16))… is registered by no event in the bundle nor in genesis")
            }
            guard key.party == e.actor else { throw .invalid(item: item, reason: "its key belongs to \(key.party), not to its actor \(e.actor)") }
            guard key.retiredBy == nil else { throw .invalid(item: item, reason: "its key was retired by event \(key.retiredBy?.hex ?? "")") }
            guard let actor = state.parties[e.actor] else { throw .invalid(item: item, reason: "its actor \(e.actor) is not registered") }
            guard actor.revokedBy == nil else { throw .invalid(item: item, reason: "its actor \(e.actor) was revoked by event \(actor.revokedBy?.hex ?? "")") }
            guard actor.role.permittedTypes.contains(e.type) else { throw .invalid(item: item, reason: "a \(actor.role.rawValue) may not sign \(e.type.rawValue)") }
            guard signatureValid[position] else {
                throw .invalid(item: item, reason: "its signature does not verify under key \(e.keyID.prefix(16))… of \(e.actor)")
            }
            switch e.type {
            case .partyRegister, .partyRotateKey, .partyRevoke: Admission.apply(e, to: &state)
            default: break
            }
        }

        // 5. Completeness of the lot's making, back to raw materials, and of its receipts.
        var rows: [LotID: [LotLink]] = [:], atIndex: [UInt64: [LotLink]] = [:]
        var ids = Set<EventID>()
        for (index, e) in events {
            ids.insert(e.id)
            for link in LotLink.links(of: e, at: index) {
                rows[link.lot, default: []].append(link)
                atIndex[index, default: []].append(link)
            }
        }
        var closure: [LotID] = []
        var seen = Set<LotID>()
        var queue: [(lot: LotID, usedBy: LotID?)] = [(bundle.lot, nil)]
        while !queue.isEmpty {
            let (lot, usedBy) = queue.removeFirst()
            guard seen.insert(lot).inserted else { continue }
            closure.append(lot)
            let own = rows[lot] ?? []
            let what = usedBy.map { "lot \(lot) (an input of \($0))" } ?? "lot \(lot)"
            guard let origin = own.first(where: { $0.role == .created || $0.role == .produced || $0.role == .container }) else {
                throw .invalid(item: what, reason: "the event that made it is not in the bundle")
            }
            for receipt in own where receipt.role == .received {
                if let ship = receipt.shipment, !ids.contains(ship) {
                    throw .invalid(item: what, reason: "receipt \(receipt.event.id.hex) takes in shipment \(ship.hex), which is not in the bundle")
                }
            }
            var inputs: [LotID] = []
            if origin.role == .produced { inputs = (atIndex[origin.leafIndex] ?? []).filter { $0.role == .consumed }.map(\.lot) }
            for packing in own where packing.role == .container && packing.event.type == .lotAggregate {
                inputs += (atIndex[packing.leafIndex] ?? []).filter { $0.role == .packed }.map(\.lot)
            }
            for input in inputs where !seen.contains(input) { queue.append((input, lot)) }
        }
        return Verified(bundle: bundle, genesis: genesis, checkpoint: checkpoint, events: events, closureLots: closure,
                        signaturesChecked: events.count, rowsByLot: rows, rowsByEvent: atIndex)
    }
}
