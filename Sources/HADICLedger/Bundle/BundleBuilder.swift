import HADICCore
import HADICCrypto

/// Makes a lot's ``ProvenanceBundle`` from a ledger (`hadic prove`). Which events it takes
/// (docs/BUNDLE.md):
/// - the lot's closure at the time asked (``LotClosure``): every event behind a row the
///   assessment keeps, back to raw materials, with the lot's whole custody chain;
/// - the signer history of every event taken: the events that registered its actor and added
///   its key, and any that retired the key or revoked the actor, again for those events'
///   signers, up to the genesis admins;
/// - every certificate event (issue, suspend, revoke) held by a party that made, handled or
///   carried a closure lot, every policy event, and the cleansings and najis incidents of
///   every vehicle and facility the closure used;
/// - the making and movements of every non-halal (and severe-najis) lot that shared a vehicle,
///   a storage place or a container with the closure, and of the containers it was packed in;
/// and proves each against the head's signed checkpoint.
public enum BundleBuilder {
    public static func make(lot: LotID, at time: Timestamp, store: any LedgerStore, source: any AssessmentSource) throws -> ProvenanceBundle {
        guard let head = try store.latestBlock(), let genesisBlock = try store.block(at: 0) else {
            throw BundleError.malformed("the ledger has no genesis block")
        }
        let size = head.header.treeSize
        let evidence = try LedgerEvidence(source: source)
        guard evidence.treeSize == size else { throw BundleError.invalid(item: "ledger", reason: "it grew while the bundle was made; make it again") }
        var taken = Set<UInt64>()

        let closure = try source.consistentReads { try LotClosure(root: lot, at: time, from: $0, cache: ProvenanceCache(treeSize: size)) }
        var parties = Set<PartyID>(), places = Set<String>()
        for lot in closure.ordered {
            for link in lot.links {
                taken.insert(link.leafIndex)
                parties.insert(link.actor)
                if let carrier = link.carrier { parties.insert(carrier) }
                if let place = link.place { places.insert(place) }
            }
        }
        for step in closure.steps { taken.insert(step.index) }

        // Certificates of every party involved, the policies, the assets' histories.
        for party in parties {
            for c in evidence.certificates[party] ?? [] {
                try take(c.issuedBy, into: &taken, source)
                for change in c.changes { try take(change.event, into: &taken, source) }
            }
        }
        for p in evidence.policies { taken.insert(p.stored.index) }
        for place in places { for a in evidence.assets[place] ?? [] { try take(a.event, into: &taken, source) } }

        // Where non-halal goods met the closure (R-SEGREGATION, R-SERTU): each such lot's making
        // and movements, and the movements of the containers it was packed in, so that the
        // verifier finds the same trips, storage and containers at the places the closure used.
        if let policy = try? evidence.policy(at: time) {
            let closureLots = Set(closure.ordered.map(\.id))
            for classes in [policy.nonHalal, policy.severeNajis] where !classes.isEmpty {
                let goods = try evidence.nonHalalGoods(classes: classes)
                var met = Set<LotID>()
                for lot in closureLots { for mark in goods.containers[lot] ?? [] { met.insert(mark.lot) } }
                for place in places {
                    for trip in goods.vehicles[place] ?? [] { met.insert(trip.lot) }
                    for mark in goods.storage[place] ?? [] { met.insert(mark.lot) }
                }
                // A shipment that carried non-halal goods: directly, or packed in a container it carried.
                for step in closure.steps {
                    let index = step.index, event = closure.event(of: step)
                    guard event.type == .custodyShip, goods.shipments.contains(event.id) else { continue }
                    for link in try source.links(at: index) where link.role == .shipped && !closureLots.contains(link.lot) {
                        if let record = try source.lot(link.lot), classes.contains(record.materialClass) { met.insert(link.lot) }
                    }
                    for link in try source.links(at: index) where link.role == .shipped {
                        for mark in goods.containers[link.lot] ?? [] { met.insert(mark.lot) }
                    }
                }
                for lot in met.sorted(by: { $0.rawValue < $1.rawValue }) {
                    try takeMovements(of: lot, into: &taken, below: size, source)
                    for packing in try source.links(of: lot, roles: [.packed]) where packing.leafIndex < size {
                        if let container = try source.links(at: packing.leafIndex).first(where: { $0.role == .container })?.lot {
                            try takeMovements(of: container, into: &taken, below: size, source)
                        }
                    }
                }
            }
        }

        // Signer histories, to a fixed point (registrations are signed by admins, who have theirs).
        var pending = Array(taken)
        var checkedKeys = Set<String>(), checkedParties = Set<PartyID>()
        while let index = pending.popLast() {
            guard let stored = try source.event(at: index) else { throw BundleError.invalid(item: "event at index \(index)", reason: "not stored") }
            let e: EventEnvelope
            do { e = try EventEnvelope.parse(stored.leafBytes) } catch { throw BundleError.invalid(item: "event at index \(index)", reason: "does not parse: \(error)") }
            var referenced: [EventID?] = []
            if checkedKeys.insert(e.keyID).inserted, let key = try source.key(e.keyID) { referenced += [key.addedBy, key.retiredBy] }
            if checkedParties.insert(e.actor).inserted, let party = try source.party(e.actor) { referenced += [party.registeredBy, party.revokedBy] }
            for id in referenced.compactMap({ $0 }) {
                guard let s = try source.event(id: id) else { throw BundleError.invalid(item: "event \(id.hex)", reason: "named by the party and key records but not stored") }
                if s.index < size, taken.insert(s.index).inserted { pending.append(s.index) }
            }
        }

        let prover = store.merkleProver(treeSize: size)
        var entries: [ProvenanceBundle.Entry] = []
        entries.reserveCapacity(taken.count)
        for index in taken.sorted() {
            guard index < size else { throw BundleError.invalid(item: "ledger", reason: "it grew while the bundle was made; make it again") }
            guard let stored = try source.event(at: index) else { throw BundleError.invalid(item: "event at index \(index)", reason: "not stored") }
            let proof = try prover.inclusionProof(leafIndex: index, treeSize: size)
            // Never hand out a proof that does not check against the signed root.
            try proof.verify(leafHash: MerkleHash.leaf(stored.leafBytes), root: head.header.treeRoot)
            entries.append(.init(index: index, leaf: stored.leafBytes, proof: proof.hashes))
        }
        return ProvenanceBundle(lot: lot, madeAt: time, ledgerID: Hex.encode(genesisBlock.header.hash),
                                genesisHeader: genesisBlock.header.canonicalBytes, genesisSignature: genesisBlock.signature,
                                checkpoint: head.checkpoint, events: entries)
    }

    /// A lot's making event and every shipment, receipt and packing of it.
    private static func takeMovements(of lot: LotID, into taken: inout Set<UInt64>, below size: UInt64, _ source: any AssessmentSource) throws {
        if let record = try source.lot(lot) { try take(record.createdBy, into: &taken, source) }
        for link in try source.links(of: lot, roles: [.shipped, .received, .packed, .container]) where link.leafIndex < size {
            taken.insert(link.leafIndex)
        }
    }

    private static func take(_ id: EventID, into taken: inout Set<UInt64>, _ source: any AssessmentSource) throws {
        guard let s = try source.event(id: id) else { throw BundleError.invalid(item: "event \(id.hex)", reason: "named by the evidence but not stored") }
        taken.insert(s.index)
    }
}
