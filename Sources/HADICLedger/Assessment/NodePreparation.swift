import HADICCore

extension LedgerEvidence {
    /// What ``prepare()`` worked out.
    public struct Preparation: Sendable {
        /// Custody paths of the portions taken by each use of a lot.
        public let uses: Int
        /// Closure rows of ingredients used once (``LotClosure/singleUseFragment(of:line:origin:path:)``), per use.
        public let fragments: Int
        /// Events whose signer checks (R-SIG) passed.
        public let soundSigners: Int
        public let events: Int
        /// Shipment, receipt and packing rows whose carrier's or handler's certificate coverage
        /// is now remembered, counted per row over all the markets asked.
        public let steps: Int
        /// Lots whose maker's certificate coverage is now remembered, counted per lot over all the markets asked.
        public let makers: Int
    }

    /// What a node works out once, after loading every lot (``ProvenanceCache/preload(from:)``),
    /// so that even its first assessment of a product finds it done: the custody path of every
    /// use of every lot (``LotClosure``'s portion path, per use) and the signer checks of every
    /// event that touches a lot, and the closure rows of every ingredient for each single use
    /// of it by a transformation (``LotClosure/singleUseFragment(of:line:origin:path:)``), so
    /// that a first closure sorts no rows of them. All depend only on the ledger below
    /// ``treeSize``, so they hold for every later assessment; `hadic-bench --verify` checks
    /// that answers do not change.
    ///
    /// For each market in `markets` (under the ledger policy in force at `time`), it also works
    /// out the certificate coverage of every shipment's carrier and every receipt's and
    /// packing's handler (R-LOGISTICS, handlers under R-CERT-VALID), and of every lot's maker
    /// (R-CERT-VALID, R-BOM and the rules that ask it), as the assessments of that market
    /// remember them.
    @discardableResult
    public func prepare(markets: [String] = [], at time: Timestamp? = nil) throws -> Preparation {
        preparedFor = (markets, time)
        return try prepare(entries: Array(cache.entries), markets: markets, at: time)
    }

    /// ``prepare(markets:at:)`` for these lots only, as makers (their inputs' paths and closure
    /// rows for their uses) and as lots (their rows' signer checks and coverage, their maker's
    /// coverage): what ``advance(to:)`` does for the lots it read again. What is already
    /// worked out is not worked out again.
    @discardableResult
    func prepare(entries: [ProvenanceCache.LotEntry], markets: [String], at time: Timestamp?) throws -> Preparation {
        var uses = 0, checked = 0, fragments = 0
        var seenEvents = Set<UInt64>()
        var events: [(UInt64, LinkEvent)] = []
        try source.consistentReads { source in
            for entry in entries {
                // The uses this lot made of its inputs: each input's path for that use.
                for making in entry.links where making.role == .produced || (making.role == .container && making.event.type == .lotAggregate) {
                    let lines = making.role == .produced
                        ? try cache.transformLines(at: making.leafIndex, from: source).inputs
                        : try cache.lines(at: making.leafIndex, role: .packed, from: source)
                    let use = LotClosure.Use(party: making.actor, index: making.leafIndex)
                    // The transformation that made this lot (its first making row) uses each input once.
                    let madeIt = making.role == .produced && entry.producedOrigin && entry.origin?.leafIndex == making.leafIndex
                    for line in lines {
                        guard let input = try cache.lot(line.lot, from: source) else { continue }
                        let path: LotClosure.PortionPath
                        if let known = input.portion(for: use) { path = known } else {
                            path = try LotClosure.portionPath(story: input.links, of: input, users: [use], containerAt: { index in
                                try self.cache.links(at: index, from: source).first { $0.role == .container }?.lot
                            }, source: source, cache: cache)
                            input.remember(portion: path, for: use)
                            uses += 1
                        }
                        // A closure's rows of an input used once, by this lot's making: only for
                        // lots that never travelled in a container, named once by the transformation.
                        guard madeIt, !input.packs, !input.hasPreparedFragment(for: use),
                              lines.lazy.filter({ $0.lot == line.lot }).count == 1 else { continue }
                        let fragment = LotClosure.singleUseFragment(of: input, line: line, origin: making, path: path)
                        // R-CUSTODY's checks of these rows, as a closure taking them would make them.
                        var sound = true
                        let shipped = fragment.byRole[LotLink.Role.shipped.position]
                        let shipments = RuleRun.checkCustody(of: input.id, madeBy: input.origin, shipped: shipped,
                                                             received: fragment.byRole[LotLink.Role.received.position],
                                                             uses: fragment.byRole[LotLink.Role.consumed.position]) { _, _ in sound = false }
                        if sound { fragment.soundCustodyShipments = shipments }
                        input.remember(preparedFragment: fragment)
                        fragments += 1
                    }
                }
                // Every event on the lot's rows, for the signer checks below.
                for row in entry.links + (try cache.custody(of: entry, from: source)) where seenEvents.insert(row.leafIndex).inserted {
                    events.append((row.leafIndex, row.event))
                }
            }
        }
        // Outside the read transaction: keys and parties are read through the store's own reads.
        for (index, event) in events where !soundSigners.contains(index) {
            guard try signerProblems(of: event).isEmpty else { continue }
            soundSigners.insert(index)
            checked += 1
        }
        var steps = 0, makers = 0
        if !markets.isEmpty, let time {
            let policy = try policy(at: time)
            for code in markets {
                guard let market = policy.markets[code] else { throw AssessmentError.policy(.unknownMarket(code, known: policy.markets.keys.sorted())) }
                let scope = scopeNumber(RuleRun.scopeText(code: code, policy: policy))
                for entry in entries {
                    for row in try cache.custody(of: entry, from: source) + entry.links.filter({ $0.role == .packed }) {
                        if row.role == .shipped {
                            _ = carrierCoverage(of: row, scope: scope, market: market, remember: true)
                        } else {
                            _ = try handlerCoverage(of: row, scope: scope, market: market, remember: true)
                        }
                        steps += 1
                    }
                    // The maker's coverage, as a closure that sees the lot's whole story remembers it.
                    if let origin = entry.origin, entry.makerCoverage(scope: scope) == nil {
                        entry.remember(makerCoverage: RuleRun.makerCoverage(of: entry.id, record: entry.record, madeBy: origin,
                                                                            market: market, evidence: self), scope: scope)
                        makers += 1
                    }
                }
            }
        }
        return Preparation(uses: uses, fragments: fragments, soundSigners: checked, events: seenEvents.count, steps: steps, makers: makers)
    }
}
