import HADICCore

extension ProvenanceCache {
    /// What ``advance(to:touched:from:)`` did.
    public struct Advance: Sendable {
        /// Entries dropped because the new events gave their lots new rows.
        public let dropped: Int
        /// Of those and of the lots the new events made, how many were read again whole.
        public let reloaded: Int
    }

    /// Moves this view of the ledger from ``treeSize`` to `newSize`, where `touched` is every
    /// lot that has a provenance-index row at a leaf index in between (the caller reads them
    /// from the index: ``LedgerEvidence/advance(to:)``).
    ///
    /// What cannot change is kept: an event's rows, its lines and its parsed body are fixed
    /// when it is appended (kept by leaf index), and lot numbers stay. What a lot's new rows can
    /// change is dropped with its entry and trace node: its story, custody rows, receipts and
    /// their shipments, its making and trace facts, and what assessments worked out from them
    /// (custody paths per use, closure fragments, maker coverage). Nothing kept on an
    /// untouched lot's entry reads another lot's rows: a portion path reads the lot's own
    /// receipts and shipments and, for a packing, the event's rows (fixed); a fragment is the
    /// lot's own rows; trace facts name ingredients by number, their nodes are looked up anew.
    /// A container that received new packings is itself touched (its `container` row).
    ///
    /// When the cache held every lot (``whole``), the touched lots that exist below `newSize`
    /// are read again with all their rows, so queries still read nothing from the store.
    /// Not thread-safe: call it while no query uses the cache.
    @discardableResult
    public func advance(to newSize: UInt64, touched: Set<LotID>, from source: any AssessmentSource) throws -> Advance {
        guard newSize >= treeSize else {
            throw LedgerError.corrupt("the ledger holds \(newSize) events, fewer than the \(treeSize) this cache has seen")
        }
        var dropped = 0
        for id in touched {
            nodes.removeValue(forKey: id)
            // An entry is held in both tables or in neither (``lot(_:from:)``, ``dropAllLots()``).
            if let entry = lots.removeValue(forKey: id) {
                entryOfNumber[entry.number] = nil
                dropped += 1
            }
        }
        let oldSize = treeSize
        treeSize = newSize
        var reloaded = 0
        if whole {
            for id in touched.sorted(by: { $0.rawValue < $1.rawValue }) {
                guard let record = try source.lot(id) else { continue }
                let rows = try source.links(of: id).filter { $0.leafIndex < newSize }
                var story: [LotLink] = [], custody: [LotLink] = []
                for row in rows {
                    switch row.role {
                    case .shipped, .received: custody.append(row)
                    case .consumed: break
                    default: story.append(row)
                    }
                    // The lines of the new events, as a preload would have them in memory.
                    guard row.leafIndex >= oldSize else { continue }
                    switch row.role {
                    case .consumed, .produced: _ = try transformLines(at: row.leafIndex, from: source)
                    case .packed, .container: _ = try lines(at: row.leafIndex, role: .packed, from: source)
                    default: break
                    }
                }
                guard !story.isEmpty else { continue }
                if lots.count >= capacity { whole = false; break }
                let entry = completeEntry(id, record: record, story: story, custody: custody)
                lots[id] = entry
                let node = try ingredientNode(of: id, from: source)
                entry.trace = TraceFacts(node: node, ingredients: node.ingredients.map { number(of: $0.lot) })
                if entry.producedOrigin, let origin = entry.origin { _ = try making(of: entry, madeBy: origin, from: source) }
                reloaded += 1
            }
        }
        return Advance(dropped: dropped, reloaded: reloaded)
    }
}

extension ProvenanceCache {
    /// Drops every held lot's remembered maker coverage (it reads certificates and the policy).
    func forgetMakerCoverage() {
        for entry in lots.values { entry.forgetMakerCoverage() }
    }
}
