import HADICCore

extension LedgerEvidence {
    /// What ``prepare()`` worked out.
    public struct Preparation: Sendable {
        /// Custody paths of the portions taken by each use of a lot.
        public let uses: Int
        /// Events whose signer checks (R-SIG) passed.
        public let soundSigners: Int
        public let events: Int
        /// Shipment, receipt and packing rows whose carrier's or handler's certificate coverage
        /// is now remembered, counted per row over all the markets asked.
        public let steps: Int
    }

    /// What a node works out once, after loading every lot (``ProvenanceCache/preload(from:)``),
    /// so that even its first assessment of a product finds it done: the custody path of every
    /// use of every lot (``LotClosure``'s portion path, per use) and the signer checks of every
    /// event that touches a lot. Both depend only on the ledger below ``treeSize``, so they hold
    /// for every later assessment; `hadic-bench --verify` checks that answers do not change.
    ///
    /// For each market in `markets` (under the ledger policy in force at `time`), it also works
    /// out the certificate coverage of every shipment's carrier and every receipt's and
    /// packing's handler (R-LOGISTICS, handlers under R-CERT-VALID), as the assessments of that
    /// market remember it.
    @discardableResult
    public func prepare(markets: [String] = [], at time: Timestamp? = nil) throws -> Preparation {
        var uses = 0, checked = 0
        var seenEvents = Set<UInt64>()
        var events: [(UInt64, LinkEvent)] = []
        try source.consistentReads { source in
            for entry in Array(cache.entries) {
                // The uses this lot made of its inputs: each input's path for that use.
                for making in entry.links where making.role == .produced || (making.role == .container && making.event.type == .lotAggregate) {
                    let lines = making.role == .produced
                        ? try cache.transformLines(at: making.leafIndex, from: source).inputs
                        : try cache.lines(at: making.leafIndex, role: .packed, from: source)
                    let use = LotClosure.Use(party: making.actor, index: making.leafIndex)
                    for line in lines {
                        guard let input = try cache.lot(line.lot, from: source), input.portion(for: use) == nil else { continue }
                        let path = try LotClosure.portionPath(story: input.links, of: input, users: [use], containerAt: { index in
                            try self.cache.links(at: index, from: source).first { $0.role == .container }?.lot
                        }, source: source, cache: cache)
                        input.remember(portion: path, for: use)
                        uses += 1
                    }
                }
                // Every event on the lot's rows, for the signer checks below.
                for row in entry.links + (try cache.custody(of: entry, from: source)) where seenEvents.insert(row.leafIndex).inserted {
                    events.append((row.leafIndex, row.event))
                }
            }
        }
        // Outside the read transaction: keys and parties are read through the store's own reads.
        for (index, event) in events where try signerProblems(of: event).isEmpty {
            soundSigners.insert(index)
            checked += 1
        }
        var steps = 0
        if !markets.isEmpty, let time {
            let policy = try policy(at: time)
            for code in markets {
                guard let market = policy.markets[code] else { throw AssessmentError.policy(.unknownMarket(code, known: policy.markets.keys.sorted())) }
                let scope = scopeNumber(RuleRun.scopeText(code: code, policy: policy))
                for entry in Array(cache.entries) {
                    for row in try cache.custody(of: entry, from: source) + entry.links.filter({ $0.role == .packed }) {
                        if row.role == .shipped {
                            _ = carrierCoverage(of: row, scope: scope, market: market, remember: true)
                        } else {
                            _ = try handlerCoverage(of: row, scope: scope, market: market, remember: true)
                        }
                        steps += 1
                    }
                }
            }
        }
        return Preparation(uses: uses, soundSigners: checked, events: seenEvents.count, steps: steps)
    }
}
