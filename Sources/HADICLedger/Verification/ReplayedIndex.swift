import HADICCore

/// The provenance index (`lot_events`) a full audit recomputes from the events, kept grouped by
/// lot as the replay makes it.
///
/// The stored index is read in its key order (lot, leaf index, role; docs/STORAGE.md) and
/// compared row by row with the replay's, so the replay's must be put in that order. Sorting
/// every link (one per lot an event touches) cost about 4% of a full audit's CPU, mostly the
/// reference counting of the merge sort. Grouped by lot as they are made, the links of one lot
/// already come in leaf order (events are replayed in ledger order), so only the distinct lots
/// need sorting, and within a lot only the rare run of links of one event (a lot in two roles of
/// it) may need its roles put in order. ``ordered()`` gives exactly what sorting every link by
/// ``LotLink``'s order gives.
struct ReplayedIndex {
    private var byLot: [LotID: [LotLink]] = [:]

    /// Adds the links of the next event, in ledger order.
    mutating func append(contentsOf links: [LotLink]) {
        for link in links { byLot[link.lot, default: []].append(link) }
    }

    /// Every link, in the stored index's order: lot (byte order), then leaf index, then role.
    func ordered() -> [LotLink] {
        // Each group is non-empty and its lot is its own: comparing first links compares lots.
        let groups = byLot.values.sorted { $0[0] < $1[0] }
        var all: [LotLink] = []
        all.reserveCapacity(groups.reduce(0) { $0 + $1.count })
        for group in groups {
            // Links of one lot arrive in leaf order; only links of one event may be out of role order.
            if zip(group, group.dropFirst()).allSatisfy({ !($1 < $0) }) {
                all.append(contentsOf: group)
            } else {
                all.append(contentsOf: group.sorted())
            }
        }
        return all
    }
}
