import HADICCore

/// An ingredient's closure rows for one way it was used (``LotClosure/Use``s), as an earlier
/// closure worked them out and its lot's cache entry remembers them (docs/ASSESSMENT.md).
///
/// Besides the rows (in ledger order, and by role) it keeps what a closure gathers from them,
/// worked out once: each row's leaf index in the same order, the receipts that name their
/// shipment, and the leaf indexes of inspections, incidents and recalls. A closure taking the
/// fragment then appends plain numbers instead of visiting every row object. Immutable.
final class ClosureFragment {
    let uses: [LotClosure.Use]
    /// The latest time among ``links``: an assessment at that time or later may reuse it.
    let latest: Timestamp?
    let links: [LotLink]
    let byRole: [[LotLink]]
    /// ``links``' leaf indexes, in the same order.
    let indices: [UInt64]
    /// The received rows that name a shipment, with that shipment's id, in the order of ``links``.
    let receipts: [(shipment: EventID, receipt: LotLink)]
    /// Its shipments as ``ClosureLot/shipments`` lists them for a lot that never travelled in
    /// a container (every fragment's lot): its own, in ledger order.
    let shipments: [(ship: LotLink, via: LotID?)]
    /// The leaf indexes of the inspections, incidents and recalls among ``links``, in order.
    let observations: [UInt64]

    /// The fragment of a lot used in several ways, from the fragments of each way (at least
    /// one): their rows merged in ledger order (by leaf index, then role name, as a closure
    /// sorts them), each row once.
    convenience init(uses: [LotClosure.Use], combining parts: [ClosureFragment]) {
        var links = parts.first?.links ?? []
        for part in parts.dropFirst() { links = Self.union(links, part.links) }
        var roles = [[LotLink]](repeating: [], count: LotLink.Role.allCases.count)
        for link in links { roles[link.role.position].append(link) }
        self.init(uses: uses, links: links, byRole: roles)
    }

    /// Two lists of one lot's rows, each in ledger order (by leaf index, then role name),
    /// merged in that order; a row in both (same leaf index and role) is kept once.
    static func union(_ a: [LotLink], _ b: [LotLink]) -> [LotLink] {
        var out: [LotLink] = []
        out.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count, j < b.count {
            let x = a[i], y = b[j]
            if x.leafIndex != y.leafIndex {
                if x.leafIndex < y.leafIndex { out.append(x); i += 1 } else { out.append(y); j += 1 }
            } else if x.role == y.role {
                out.append(x); i += 1; j += 1
            } else if x.role.rawValue < y.role.rawValue {
                out.append(x); i += 1
            } else {
                out.append(y); j += 1
            }
        }
        out += a[i...]
        out += b[j...]
        return out
    }

    init(uses: [LotClosure.Use], links: [LotLink], byRole: [[LotLink]]) {
        self.uses = uses
        self.links = links
        self.byRole = byRole
        latest = links.max(by: { $0.time < $1.time })?.time
        indices = links.map(\.leafIndex)
        receipts = links.compactMap { link in link.role == .received ? link.shipment.map { ($0, link) } : nil }
        shipments = (LotLink.Role.shipped.position < byRole.count ? byRole[LotLink.Role.shipped.position] : []).map { ($0, nil) }
        observations = links.compactMap { link in
            switch link.role {
            case .inspected, .incident, .recalled: return link.leafIndex
            default: return nil
            }
        }
    }
}
