import HADICCore

/// One lot of a closure: what it is, the events that touched it (up to the assessment time),
/// and how it entered the closure.
public struct ClosureLot: Sendable {
    public let id: LotID
    public let record: LotRecord
    /// Index rows up to the assessment time, in ledger order.
    public let links: [LotLink]
    /// The event that made it: `lot.create`, `lot.transform`, or the first `lot.aggregate` of a container.
    public let origin: UInt64?
    /// True for the assessed lot and its ingredients (and contents); false for a container that
    /// only carried one of them.
    public let upstream: Bool
    /// Levels below the assessed lot.
    public let depth: Int
}

/// A lot's upstream closure (DOMAIN.md): every lot that fed it through transformations and
/// aggregations, every container that carried one of them, and every event on those lots up to
/// the assessment time, each read and parsed once, through the provenance index.
public struct LotClosure: Sendable {
    public let root: LotID
    public let time: Timestamp
    public private(set) var lots: [LotID: ClosureLot] = [:]
    /// Closure lots in the order they were reached (breadth first from the root).
    public private(set) var order: [LotID] = []
    public private(set) var events: [UInt64: ClosureEvent] = [:]
    /// Lots that shared a container with a closure lot without being in the closure.
    public private(set) var neighbours: [LotID: LotRecord] = [:]
    /// The `custody.receive` of each shipment in the closure that was received.
    public private(set) var receipts: [EventID: ClosureEvent] = [:]
    /// Upstream lots (the assessed lot, its ingredients and contents), in closure order.
    public private(set) var upstreamLots: [ClosureLot] = []
    /// Each lot's events by role, in ledger order (what ``events(of:_:)`` answers from).
    private var byRole: [LotID: [LotLink.Role: [ClosureEvent]]] = [:]
    private var shipmentsByLot: [LotID: [(ship: ClosureEvent, via: LotID?)]] = [:]
    private var carriersByLot: [LotID: [(container: LotID, window: Range<UInt64>)]] = [:]

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
            var links: [LotLink] = []
            for link in allLinks {
                // A use of the lot is read only as the making of a closure lot (its origin):
                // other products made from it are not this lot's story.
                if link.role == .consumed { links.append(link); continue }
                let e = try event(link.leafIndex, source, cache)
                if e.time <= time { links.append(link) }
            }
            let origin = links.first { $0.role == .created || $0.role == .produced || $0.role == .container }?.leafIndex
            if id == root && origin == nil { throw AssessmentError.madeAfter(root, time) }
            lots[id] = ClosureLot(id: id, record: record, links: links, origin: origin, upstream: upstream, depth: depth)
            order.append(id)

            for link in links {
                guard let e = events[link.leafIndex] else { continue }
                switch (link.role, e.body) {
                case (.produced, .lotTransform(let t)) where upstream && link.leafIndex == origin:
                    guard depth < LotClosure.maxDepth else { truncated = true; continue }
                    for input in t.inputs { queue.append((input.lot, true, depth + 1)) }
                case (.container, .lotAggregate(let a)):
                    for child in a.children {
                        if upstream {
                            guard depth < LotClosure.maxDepth else { truncated = true; continue }
                            queue.append((child.lot, true, depth + 1))
                        } else if neighbours[child.lot] == nil, let (r, _) = try cache.lot(child.lot, from: source) {
                            neighbours[child.lot] = r
                        }
                    }
                case (.packed, .lotAggregate(let a)):
                    queue.append((a.parent, false, depth))
                default:
                    break
                }
            }
        }
        // Read but later than the time asked: not part of the ledger as it stood.
        events = events.filter { $0.value.time <= time }
        for e in events.values {
            if case .custodyReceive(let r) = e.body { receipts[r.shipment] = e }
        }
        // Rules ask these many times: answer from tables built once.
        for (id, lot) in lots {
            var roles: [LotLink.Role: [ClosureEvent]] = [:]
            for link in lot.links { if let e = events[link.leafIndex] { roles[link.role, default: []].append(e) } }
            byRole[id] = roles
        }
        upstreamLots = order.compactMap { lots[$0] }.filter(\.upstream)
        for lot in upstreamLots {
            carriersByLot[lot.id] = computeCarriers(of: lot.id)
            shipmentsByLot[lot.id] = computeShipments(of: lot.id)
        }
    }

    private mutating func event(_ index: UInt64, _ source: any AssessmentSource, _ cache: ProvenanceCache) throws -> ClosureEvent {
        if let e = events[index] { return e }
        let e = try cache.event(at: index, from: source)
        events[index] = e
        return e
    }

    /// The events that touched `lot` in `role`, in ledger order.
    public func events(of lot: LotID, _ role: LotLink.Role) -> [ClosureEvent] {
        byRole[lot]?[role] ?? []
    }

    /// The containers `lot` was inside, each with the leaf-index window while it was.
    public func carriers(of lot: LotID) -> [(container: LotID, window: Range<UInt64>)] {
        carriersByLot[lot] ?? computeCarriers(of: lot)
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
        for pack in events(of: lot, .packed) {
            guard case .lotAggregate(let a) = pack.body, let line = a.children.first(where: { $0.lot == lot }) else { continue }
            moves.append((pack.index, a.parent, line.quantity.micro))
        }
        for unpack in events(of: lot, .unpacked) {
            guard case .lotDisaggregate(let d) = unpack.body, let line = d.children.first(where: { $0.lot == lot }) else { continue }
            moves.append((unpack.index, d.parent, -line.quantity.micro))
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
        return out.sorted { ($0.1.lowerBound, $0.0.rawValue) < ($1.1.lowerBound, $1.0.rawValue) }
    }

    /// The shipments that moved `lot`, directly or in a container while it was inside.
    public func shipments(of lot: LotID) -> [(ship: ClosureEvent, via: LotID?)] {
        shipmentsByLot[lot] ?? computeShipments(of: lot)
    }

    private func computeShipments(of lot: LotID) -> [(ship: ClosureEvent, via: LotID?)] {
        var out = events(of: lot, .shipped).map { ($0, LotID?.none) }
        for (container, window) in carriers(of: lot) {
            for ship in events(of: container, .shipped) where window.contains(ship.index) { out.append((ship, container)) }
        }
        return out.sorted { $0.0.index < $1.0.index }
    }
}
