import HADICCore

/// An ingredient's closure rows for one way it was used (``LotClosure/Use``s), as an earlier
/// closure worked them out and its lot's cache entry remembers them (docs/ASSESSMENT.md).
///
/// Besides the rows (in ledger order, and by role) it keeps what a closure gathers from them,
/// worked out once: each row's order key (leaf index and role, in the same order), its
/// shipments, and the leaf indexes of inspections, incidents and recalls. A closure taking the
/// fragment then appends plain numbers instead of visiting every row object, and fragments
/// are combined by their keys alone. Its rows never change; only what R-CUSTODY found of them
/// is written later (``soundCustodyShipments``).
final class ClosureFragment {
    let uses: [LotClosure.Use]
    /// The latest time among ``links``: an assessment at that time or later may reuse it.
    let latest: Timestamp?
    let links: [LotLink]
    let byRole: [[LotLink]]
    /// Each of ``links``' order key (``orderKey(_:)``), in the same order (ascending).
    let keys: [UInt64]
    /// Its shipments as ``ClosureLot/shipments`` lists them for a lot that never travelled in
    /// a container (every fragment's lot): its own, in ledger order.
    let shipments: [(ship: LotLink, via: LotID?)]
    /// The leaf indexes of the inspections, incidents and recalls among ``links``, in order.
    let observations: [UInt64]
    /// How many shipments R-CUSTODY checked in these rows when it found nothing wrong with
    /// them: it checks only a lot's own rows (and its making row, fixed for a lot whose whole
    /// story is in view, as every fragment's is), so they stay sound in every closure that
    /// takes them. Nil until so found. Only R-CUSTODY reads and writes it, on the thread that
    /// assesses (assessments with one cache are made one at a time).
    var soundCustodyShipments: Int?

    /// Bits of an order key below the leaf index: the role's rank.
    private static let roleBits: UInt64 = 4
    /// Each role (by ``LotLink/Role/position``) ranked by its name, the order a closure sorts
    /// a lot's rows of one event in.
    private static let rankOfRole: [UInt64] = {
        let byName = LotLink.Role.allCases.sorted { $0.rawValue.utf8.lexicographicallyPrecedes($1.rawValue.utf8) }
        var ranks = [UInt64](repeating: 0, count: LotLink.Role.allCases.count)
        for (rank, role) in byName.enumerated() { ranks[role.position] = UInt64(rank) }
        return ranks
    }()
    /// Each rank's role position (the inverse of ``rankOfRole``).
    private static let roleOfRank: [Int] = {
        var positions = [Int](repeating: 0, count: rankOfRole.count)
        for (position, rank) in rankOfRole.enumerated() { positions[Int(rank)] = position }
        return positions
    }()

    /// A row's place in the order a closure sorts a lot's rows (leaf index, then role name):
    /// the leaf index above the role's rank. Two rows of one lot have the same key exactly
    /// when they are the same row (one event touches a lot once in each role), for leaf
    /// indexes below 2^60 (SQLite's 64-bit rows number far fewer events than that).
    static func orderKey(_ link: LotLink) -> UInt64 {
        link.leafIndex << roleBits | rankOfRole[link.role.position]
    }

    /// The leaf index of an order key.
    static func leafIndex(ofKey key: UInt64) -> UInt64 { key >> roleBits }

    /// The role position (``LotLink/Role/position``) of an order key.
    static func rolePosition(ofKey key: UInt64) -> Int { roleOfRank[Int(key & ((1 << roleBits) - 1))] }

    /// Rows in ledger order (by leaf index, then role name), by role.
    init(uses: [LotClosure.Use], links: [LotLink], byRole: [[LotLink]]) {
        self.uses = uses
        self.links = links
        self.byRole = byRole
        latest = links.max(by: { $0.time < $1.time })?.time
        keys = links.map(Self.orderKey)
        shipments = (LotLink.Role.shipped.position < byRole.count ? byRole[LotLink.Role.shipped.position] : []).map { ($0, nil) }
        observations = links.compactMap { link in
            switch link.role {
            case .inspected, .incident, .recalled: return link.leafIndex
            default: return nil
            }
        }
    }

    /// The fragment of a lot used in several ways, from the fragments of each way (at least
    /// one): their rows merged in ledger order (by leaf index, then role name, as a closure
    /// sorts them), each row once. Worked out from the parts' keys, without visiting a row.
    init(uses: [LotClosure.Use], combining parts: [ClosureFragment]) {
        // Every part's rows by key, with where each is; sorted, a row in several parts is adjacent.
        var all: [(key: UInt64, part: Int32, row: Int32)] = []
        all.reserveCapacity(parts.reduce(0) { $0 + $1.keys.count })
        for (p, part) in parts.enumerated() {
            for (r, key) in part.keys.enumerated() { all.append((key, Int32(p), Int32(r))) }
        }
        all.sort { $0.key < $1.key }
        var links: [LotLink] = [], keys: [UInt64] = [], observations: [UInt64] = []
        links.reserveCapacity(all.count)
        keys.reserveCapacity(all.count)
        var roles = [[LotLink]](repeating: [], count: LotLink.Role.allCases.count)
        let observed: Set<Int> = [LotLink.Role.inspected.position, LotLink.Role.incident.position, LotLink.Role.recalled.position]
        for (key, p, r) in all where keys.last != key {
            let link = parts[Int(p)].links[Int(r)]
            links.append(link)
            keys.append(key)
            let role = Self.rolePosition(ofKey: key)
            roles[role].append(link)
            if observed.contains(role) { observations.append(Self.leafIndex(ofKey: key)) }
        }
        self.uses = uses
        self.links = links
        self.byRole = roles
        self.keys = keys
        self.observations = observations
        latest = parts.compactMap(\.latest).max()
        shipments = roles[LotLink.Role.shipped.position].map { ($0, nil) }
        // R-CUSTODY checks each shipment with its own receipt, and each use against the user's
        // last receipt before it; a use's rows hold every receipt of its user before it (the
        // portion path), so no other part adds one that counts: sound parts make a sound whole.
        if parts.allSatisfy({ $0.soundCustodyShipments != nil }) { soundCustodyShipments = shipments.count }
    }
}
