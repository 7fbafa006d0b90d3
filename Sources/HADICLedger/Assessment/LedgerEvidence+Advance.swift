import HADICCore

extension LedgerEvidence {
    /// What ``advance(to:)`` found between the two tree sizes and did about it.
    public struct Advance: Sendable {
        public let from: UInt64
        public let to: UInt64
        /// Lots with a provenance-index row among the new events.
        public let touchedLots: Int
        /// The new events included a party, key, certificate or policy event (or a type this
        /// code does not know): every memo that reads those was dropped.
        public let global: Bool
        /// The new events included a cleansing or an incident: the assets' history was read again.
        public let assets: Bool
        public let cache: ProvenanceCache.Advance
    }

    /// Event types whose only effect on what assessments read is rows of the lots they name
    /// (and, for ``assetTypes``, the assets' history). Any other type, and any type added
    /// later, counts as a change to the ledger-wide evidence: the safe default.
    static let lotOnlyTypes: Set<EventType> = [.lotCreate, .lotTransform, .lotAggregate, .lotDisaggregate,
                                               .custodyShip, .custodyReceive, .lotInspect, .lotRecall]
    static let assetTypes: Set<EventType> = [.lotIncident, .lotCleanse]

    /// Moves this evidence (and its ``cache``) forward to the ledger's current size (or
    /// `newSize`), so that every later assessment answers exactly as evidence read afresh at
    /// that size would. Reads only the new events' types and index rows.
    ///
    /// Kept: everything keyed by an old event (its rows, lines and body, fixed once appended);
    /// what the cache keeps of lots the new events do not name (``ProvenanceCache/advance(to:touched:from:)``);
    /// and, unless the new events are of a type that can change them, the signer checks
    /// (keys and parties), the carriers', handlers' and makers' certificate coverage
    /// (certificates, policy, party roles), and the places non-halal goods have been
    /// (unless a lot of a class asked about, or a container, has new rows). Dropped or read
    /// again: the rest. Not thread-safe: call it while no assessment uses this evidence.
    @discardableResult
    public func advance(to newSize: UInt64? = nil) throws -> Advance {
        let target = try newSize ?? source.treeSize()
        let from = treeSize
        guard target >= from else {
            throw AssessmentError.corrupt("the ledger holds \(target) events, fewer than the \(from) this evidence was read at")
        }
        var touched = Set<LotID>()
        var global = false, assetsChanged = false
        try source.consistentReads { s in
            for index in from..<target {
                guard let stored = try s.event(at: index) else {
                    throw AssessmentError.corrupt("event \(index) is not stored, below the ledger's size \(target)")
                }
                if Self.assetTypes.contains(stored.type) {
                    assetsChanged = true
                } else if !Self.lotOnlyTypes.contains(stored.type) {
                    global = true
                }
                for row in try s.links(at: index) { touched.insert(row.lot) }
            }
        }
        // The places non-halal goods have been read the lots of the classes asked and the
        // containers they were packed in: a new row of either can change them.
        if !nonHalalCache.isEmpty {
            let classes = nonHalalCache.keys.reduce(into: Set<String>()) { $0.formUnion($1) }
            for id in touched {
                let record = try cache.lots[id]?.record ?? source.lot(id)
                if global || record == nil || record?.kind == .container || classes.contains(record?.materialClass ?? "") {
                    nonHalalCache.removeAll()
                    break
                }
            }
        }
        let cacheAdvance = try cache.advance(to: target, touched: touched, from: source)
        treeSize = target
        if global || assetsChanged {
            let globals = try Self.readGlobals(from: source, below: target)
            assets = globals.assets
            if global {
                policies = globals.policies
                certificates = globals.certificates
                certificateCount = globals.certificateCount
            }
        }
        if global {
            // Keys and parties (signer checks, handler roles), certificates and the policy
            // (every coverage, under scope numbers that are given out again).
            keyCache.removeAll()
            partyCache.removeAll()
            soundSigners = LeafIndexSet()
            scopes.removeAll()
            carrierCoverage.removeAll()
            handlerCoverage.removeAll()
            nonHalalCache.removeAll()
            cache.forgetMakerCoverage()
        }
        return Advance(from: from, to: target, touchedLots: touched.count, global: global, assets: assetsChanged, cache: cacheAdvance)
    }
}
