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
        /// The new events included an error declaration: the declarations were read again.
        public let declarations: Bool
        public let cache: ProvenanceCache.Advance
        /// What was worked out again for the lots read again and the lots made from them
        /// (nil: this evidence was never prepared, or the cache does not hold every lot).
        public let prepared: Preparation?
    }

    /// Event types whose only effect on what assessments read is rows of the lots they name
    /// (and, for ``assetTypes``, the assets' history). Any other type, and any type added
    /// later, counts as a change to the ledger-wide evidence: the safe default.
    static let lotOnlyTypes: Set<EventType> = [.lotCreate, .lotTransform, .lotAggregate, .lotDisaggregate,
                                               .custodyShip, .custodyReceive, .lotInspect, .lotRecall]
    static let assetTypes: Set<EventType> = [.lotIncident, .lotCleanse]
    /// An error declaration changes only which events R-NONCONFORM may rest on: the
    /// declarations are read again (every assessment consults them afresh; nothing kept per
    /// lot or per rule depends on them), and no other memo is dropped.
    static let declarationTypes: Set<EventType> = [.eventDeclareError]

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
    ///
    /// When the evidence was prepared (``prepare(markets:at:)``) and its cache holds every
    /// lot, the lots read again and the lots made from them are prepared again, for the same
    /// markets under the policy in force at `now` (default: the time first prepared for); the
    /// coverage a ledger-wide change dropped is worked out again only as assessments meet it.
    @discardableResult
    public func advance(to newSize: UInt64? = nil, now: Timestamp? = nil) throws -> Advance {
        let target = try newSize ?? source.treeSize()
        let from = treeSize
        guard target >= from else {
            throw AssessmentError.corrupt("the ledger holds \(target) events, fewer than the \(from) this evidence was read at")
        }
        var touched = Set<LotID>()
        var global = false, assetsChanged = false, declarationsChanged = false
        try source.consistentReads { s in
            for index in from..<target {
                guard let stored = try s.event(at: index) else {
                    throw AssessmentError.corrupt("event \(index) is not stored, below the ledger's size \(target)")
                }
                if Self.assetTypes.contains(stored.type) {
                    assetsChanged = true
                } else if Self.declarationTypes.contains(stored.type) {
                    declarationsChanged = true
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
        if global || assetsChanged || declarationsChanged {
            let globals = try Self.readGlobals(from: source, below: target)
            assets = globals.assets
            declarations = globals.declarations
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
        var prepared: Preparation?
        if let (markets, preparedTime) = preparedFor, cache.whole, !touched.isEmpty {
            let time = now ?? preparedTime
            // A market the policy in force no longer has is left out (its assessments fail anyway).
            let known = time.flatMap { try? self.policy(at: $0) }?.markets ?? [:]
            prepared = try prepare(entries: try lotsToPrepare(touched), markets: markets.filter { known[$0] != nil },
                                   at: time)
        }
        return Advance(from: from, to: target, touchedLots: touched.count, global: global, assets: assetsChanged,
                       declarations: declarationsChanged, cache: cacheAdvance,
                       prepared: prepared)
    }

    /// The touched lots' entries, and those of the lots made from them (or packed with them):
    /// the makers whose inputs' paths and closure rows the advance dropped with the touched lots.
    private func lotsToPrepare(_ touched: Set<LotID>) throws -> [ProvenanceCache.LotEntry] {
        var ids = touched
        try source.consistentReads { s in
            for id in touched {
                for use in try s.links(of: id, roles: [.consumed, .packed]) where use.leafIndex < treeSize {
                    if use.role == .consumed {
                        for output in try cache.transformLines(at: use.leafIndex, from: s).outputs { ids.insert(output.lot) }
                    } else if let container = try cache.links(at: use.leafIndex, from: s).first(where: { $0.role == .container }) {
                        ids.insert(container.lot)
                    }
                }
            }
        }
        return ids.sorted { $0.rawValue < $1.rawValue }.compactMap { cache.lots[$0] }
    }
}
