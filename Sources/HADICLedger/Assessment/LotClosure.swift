import HADICCore

/// One lot of a closure: what it is, the index rows of the events that matter for it (up to
/// the assessment time), and how it entered the closure. A class: rules look lots up
/// thousands of times; its rows are settled while the closure is built and never change after.
public final class ClosureLot: @unchecked Sendable {
    public let id: LotID
    public let record: LotRecord
    /// Index rows up to the assessment time, in ledger order (by leaf index, then role): see
    /// ``LotClosure`` for which.
    public internal(set) var links: [LotLink]
    /// The row of the event that made it: `lot.create`, `lot.transform`, or the first `lot.aggregate` of a container.
    public let origin: LotLink?
    /// True for the assessed lot and its ingredients (and contents); false for a container that
    /// only carried one of them.
    public let upstream: Bool
    /// Levels below the assessed lot.
    public let depth: Int
    /// ``links`` by role, each in ledger order.
    public internal(set) var byRole: [LotLink.Role: [LotLink]] = [:]
    /// The kept shipments that moved it, directly or in a container while it was inside (upstream lots).
    public internal(set) var shipments: [(ship: LotLink, via: LotID?)] = []
    /// The containers it was inside, each with the leaf-index window while it was (upstream lots).
    public internal(set) var carriers: [(container: LotID, window: Range<UInt64>)] = []

    /// Its kept rows in `role`, in ledger order.
    public func rows(_ role: LotLink.Role) -> [LotLink] { byRole[role] ?? [] }

    init(id: LotID, record: LotRecord, links: [LotLink], origin: LotLink?, upstream: Bool, depth: Int) {
        self.id = id
        self.record = record
        self.links = links
        self.origin = origin
        self.upstream = upstream
        self.depth = depth
    }
}

/// A lot's upstream closure (DOMAIN.md): every lot that fed it through transformations and
/// aggregations, and every container that carried one of them, read through the provenance
/// index. Its rows carry their events' facts, so only inspections, incidents and recalls are
/// parsed.
///
/// Of each lot it keeps the rows that bear on the assessed lot:
/// - its making, packings, unpackings, inspections, incidents and recalls;
/// - its uses that made another closure lot (not the other products made from it);
/// - custody: for the assessed lot and for carriers, every shipment and receipt; for an
///   ingredient, the path of the portion that was used: the receipts by each party that used it
///   in the closure before it used it, the shipments those receipts took in, and so on back
///   through any intermediary (its receipts before it shipped) to the party that made it.
///   Shipments of the same lot to other customers, or later ones, are not this product's story.
public struct LotClosure: Sendable {
    public let root: LotID
    public let time: Timestamp
    public private(set) var lots: [LotID: ClosureLot] = [:]
    /// Closure lots in the order they were reached (breadth first from the root).
    public private(set) var order: [LotID] = []
    /// The parsed inspections, incidents and recalls of closure lots.
    public private(set) var events: [UInt64: ClosureEvent] = [:]
    /// Every event behind a kept row, by leaf index (what R-SIG checks).
    public private(set) var steps: [UInt64: LinkEvent] = [:]
    /// Lots that shared a container with a closure lot without being in the closure.
    public private(set) var neighbours: Set<LotID> = []
    /// The receipt of each kept shipment that was received, by the shipment's id.
    public private(set) var receipts: [EventID: LotLink] = [:]
    /// Upstream lots (the assessed lot, its ingredients and contents), in closure order.
    public private(set) var upstreamLots: [ClosureLot] = []
    /// What each closure lot was made from: a transformation's inputs, or everything packed into a container.
    public private(set) var ingredients: [LotID: [EventLine]] = [:]
    /// The outputs of each closure transformation, by its leaf index (for the mass balance).
    public private(set) var outputs: [UInt64: [EventLine]] = [:]
    /// The container of each packing or unpacking row in the closure, by leaf index.
    private var containerAt: [UInt64: LotID] = [:]

    public static let maxLots = 100_000
    /// Levels below the assessed lot that are followed; deeper ingredients are left out and
    /// ``truncated`` says so (which keeps every recursion over the closure bounded).
    public static let maxDepth = 200
    public private(set) var truncated = false

    /// - Parameter cache: what earlier queries of this process read (a fresh one reads everything).
    public init(root: LotID, at time: Timestamp, from source: any AssessmentSource, cache: ProvenanceCache = ProvenanceCache()) throws {
        self.root = root
        self.time = time
        guard try cache.lot(root, from: source) != nil else { throw AssessmentError.unknownLot(root) }
        // Who used each lot in the closure, and the last position where they did: the makers of
        // the lots made from it, and the packers of the upstream containers it went into.
        var users: [LotID: [PartyID: UInt64]] = [:]
        func use(_ lot: LotID, by party: PartyID, at index: UInt64) {
            users[lot, default: [:]][party] = max(users[lot]?[party] ?? 0, index)
        }
        var queue: [(LotID, Bool, Int)] = [(root, true, 0)]
        var head = 0
        while head < queue.count {
            let (id, upstream, depth) = queue[head]
            head += 1
            if let seen = lots[id] {
                // A carrier reached later as an ingredient is upgraded.
                guard upstream && !seen.upstream else { continue }
                lots[id] = nil
                order.removeAll { $0 == id }
            }
            guard lots.count < LotClosure.maxLots else { throw AssessmentError.corrupt("closure of \(root) exceeds \(LotClosure.maxLots) lots") }
            guard let (record, allLinks) = try cache.lot(id, from: source) else {
                throw AssessmentError.corrupt("lot \(id) is named by an event but not stored")
            }
            // Later than the time asked: not part of the ledger as it stood. (Custody rows and
            // uses are added below, once the whole closure is known.)
            let links = allLinks.filter { $0.time <= time }
            let origin = links.first { $0.role == .created || $0.role == .produced || $0.role == .container }
            if id == root && origin == nil { throw AssessmentError.madeAfter(root, time) }
            lots[id] = ClosureLot(id: id, record: record, links: links, origin: origin, upstream: upstream, depth: depth)
            order.append(id)

            if upstream, let origin, origin.role == .produced {
                let inputs = try cache.lines(at: origin.leafIndex, role: .consumed, from: source)
                ingredients[id] = inputs
                outputs[origin.leafIndex] = try cache.lines(at: origin.leafIndex, role: .produced, from: source)
                for input in inputs {
                    use(input.lot, by: origin.actor, at: origin.leafIndex)
                    guard depth < LotClosure.maxDepth else { truncated = true; continue }
                    queue.append((input.lot, true, depth + 1))
                }
            }
            for link in links {
                switch link.role {
                case .container:
                    guard link.event.type == .lotAggregate else { continue }
                    let children = try cache.lines(at: link.leafIndex, role: .packed, from: source)
                    if upstream { ingredients[id, default: []] += children }
                    for child in children {
                        if upstream {
                            use(child.lot, by: link.actor, at: link.leafIndex)
                            guard depth < LotClosure.maxDepth else { truncated = true; continue }
                            queue.append((child.lot, true, depth + 1))
                        } else if child.lot != id {
                            neighbours.insert(child.lot)
                        }
                    }
                case .packed, .unpacked:
                    guard let container = try cache.links(at: link.leafIndex, from: source).first(where: { $0.role == .container })?.lot else {
                        throw AssessmentError.corrupt("event \(link.event.id) packs \(id) into no container")
                    }
                    containerAt[link.leafIndex] = container
                    if link.role == .packed { queue.append((container, false, depth)) }
                default:
                    break
                }
            }
        }
        // Uses that made a closure lot: the consumer's making row says who, when and which event.
        var uses: [LotID: [LotLink]] = [:]
        for id in order {
            guard let lot = lots[id], lot.upstream, let origin = lot.origin, origin.role == .produced else { continue }
            for input in ingredients[id] ?? [] where lots[input.lot] != nil {
                uses[input.lot, default: []].append(LotLink(lot: input.lot, leafIndex: origin.leafIndex, role: .consumed,
                                                            quantity: input.quantity, event: origin.event))
            }
        }
        for id in order {
            guard let lot = lots[id] else { continue }
            let custody: [LotLink]
            if id == root || !lot.upstream {
                custody = try cache.custody(of: id, from: source)
            } else {
                custody = try Self.custodyPath(of: lot, users: users[id] ?? [:], source: source, cache: cache)
            }
            var seenUses = Set<UInt64>()
            let used = (uses[id] ?? []).filter { seenUses.insert($0.leafIndex).inserted }
            lot.links = (lot.links + custody.filter { $0.time <= time } + used).sorted {
                $0.leafIndex != $1.leafIndex ? $0.leafIndex < $1.leafIndex : $0.role.rawValue < $1.role.rawValue
            }
            var roles: [LotLink.Role: [LotLink]] = [:]
            for link in lot.links {
                roles[link.role, default: []].append(link)
                steps[link.leafIndex] = link.event
                switch link.role {
                case .received: if let s = link.shipment { receipts[s] = link }
                case .inspected, .incident, .recalled: events[link.leafIndex] = try cache.event(at: link.leafIndex, from: source)
                default: break
                }
            }
            lot.byRole = roles
        }
        upstreamLots = order.compactMap { lots[$0] }.filter(\.upstream)
        for lot in upstreamLots {
            lot.carriers = computeCarriers(of: lot.id)
            lot.shipments = computeShipments(of: lot.id)
        }
    }

    /// The custody rows of the portion of an ingredient its users took: each user's receipts
    /// before its (last) use, the shipments they took in, and so back through intermediaries
    /// (their receipts before they shipped) to its maker.
    private static func custodyPath(of lot: ClosureLot, users: [PartyID: UInt64], source: any AssessmentSource,
                                    cache: ProvenanceCache) throws -> [LotLink] {
        let maker = lot.origin?.actor
        var out: [LotLink] = []
        var bound = users  // each holder: receipts before this position count
        var frontier = Array(users)
        var seen = Set<UInt64>()
        while let (holder, before) = frontier.popLast() {
            for receipt in try cache.receipts(of: lot.id, by: holder, from: source) where receipt.leafIndex < before {
                guard seen.insert(receipt.leafIndex).inserted else { continue }
                out.append(receipt)
                guard let shipment = receipt.shipment, let ship = try cache.shipment(shipment, of: lot.id, from: source),
                      seen.insert(ship.leafIndex).inserted else { continue }
                out.append(ship)
                guard ship.actor != maker, ship.leafIndex > bound[ship.actor] ?? 0 else { continue }
                bound[ship.actor] = ship.leafIndex
                frontier.append((ship.actor, ship.leafIndex))
            }
        }
        return out
    }

    /// The kept rows of `lot` in `role`, in ledger order.
    public func rows(of lot: LotID, _ role: LotLink.Role) -> [LotLink] {
        lots[lot]?.rows(role) ?? []
    }

    /// The parsed inspections, incidents or recalls of `lot`, in ledger order.
    public func events(of lot: LotID, _ role: LotLink.Role) -> [ClosureEvent] {
        rows(of: lot, role).compactMap { events[$0.leafIndex] }
    }

    /// The containers `lot` was inside, each with the leaf-index window while it was.
    public func carriers(of lot: LotID) -> [(container: LotID, window: Range<UInt64>)] {
        guard let known = lots[lot], known.upstream else { return computeCarriers(of: lot) }
        return known.carriers
    }

    private func computeCarriers(of lot: LotID) -> [(container: LotID, window: Range<UInt64>)] {
        var visiting: Set<LotID> = [lot]
        return computeCarriers(of: lot, visiting: &visiting)
    }

    /// For each container, the spans of ledger positions while some of `lot` was inside it: a
    /// running balance over every packing into and unpacking from that container, in ledger
    /// order. Containers packed into each other in a cycle are followed once.
    private func computeCarriers(of lot: LotID, visiting: inout Set<LotID>) -> [(container: LotID, window: Range<UInt64>)] {
        var moves: [(index: UInt64, container: LotID, micro: Int64)] = []
        for role in [LotLink.Role.packed, .unpacked] {
            for row in rows(of: lot, role) {
                guard let container = containerAt[row.leafIndex], let q = row.quantity else { continue }
                moves.append((row.leafIndex, container, role == .packed ? q.micro : -q.micro))
            }
        }
        var out: [(LotID, Range<UInt64>)] = []
        var balance: [LotID: Int64] = [:], openedAt: [LotID: UInt64] = [:]
        for move in moves.sorted(by: { $0.index < $1.index }) {
            let before = balance[move.container] ?? 0
            let after = before + move.micro
            balance[move.container] = after
            if before <= 0 && after > 0 { openedAt[move.container] = move.index + 1 }
            if before > 0 && after <= 0, let start = openedAt.removeValue(forKey: move.container) {
                out.append((move.container, start..<max(start, move.index)))
            }
        }
        for (container, start) in openedAt { out.append((container, start..<UInt64.max)) }
        // A container inside a container travels with it too, for the overlap of the spans.
        for (container, window) in out where visiting.insert(container).inserted {
            for (outer, outerWindow) in computeCarriers(of: container, visiting: &visiting) {
                let lower = max(window.lowerBound, outerWindow.lowerBound), upper = min(window.upperBound, outerWindow.upperBound)
                if lower < upper { out.append((outer, lower..<upper)) }
            }
            visiting.remove(container)
        }
        guard out.count > 1 else { return out }
        return out.sorted { ($0.1.lowerBound, $0.0.rawValue) < ($1.1.lowerBound, $1.0.rawValue) }
    }

    /// The kept shipments that moved `lot`, directly or in a container while it was inside.
    public func shipments(of lot: LotID) -> [(ship: LotLink, via: LotID?)] {
        guard let known = lots[lot], known.upstream else { return computeShipments(of: lot) }
        return known.shipments
    }

    private func computeShipments(of lot: LotID) -> [(ship: LotLink, via: LotID?)] {
        var out = rows(of: lot, .shipped).map { ($0, LotID?.none) }
        for (container, window) in carriers(of: lot) {
            for ship in rows(of: container, .shipped) where window.contains(ship.leafIndex) { out.append((ship, container)) }
        }
        return out.sorted { $0.0.leafIndex < $1.0.leafIndex }
    }
}

extension LotLink {
    /// The event id in hex, as assessment results name events.
    var eventHex: String { event.id.hex }
}
