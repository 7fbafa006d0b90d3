import HADICCore

/// One change or confirmation of who holds (part of) a lot.
public struct CustodyEntry: Equatable, Sendable {
    public enum Kind: String, Sendable { case made, shipped, received, packed, unpacked }

    public let kind: Kind
    public let step: TraceStep
    /// For `shipped`: the recipient.
    public let to: PartyID?
    /// The container the lot was inside when this happened (or was packed into / unpacked from).
    public let container: LotID?
    /// For `shipped`: the matching `custody.receive`, if any yet.
    public var receivedBy: EventID?
}

/// A lot's chain of custody: every making, shipping, receiving, packing and unpacking of it,
/// including the moves of every container it travelled in while it was inside, in ledger order;
/// and the shipments no receive has matched (in transit, or a gap to call out).
public struct CustodyChain: Sendable {
    public let lot: LotID
    public let entries: [CustodyEntry]

    public var unmatchedShipments: [CustodyEntry] { entries.filter { $0.kind == .shipped && $0.receivedBy == nil } }

    /// The parties that held the lot, in the order custody reached them.
    public var holders: [PartyID] {
        var out: [PartyID] = []
        for e in entries where e.kind == .made || e.kind == .received {
            if !out.contains(e.step.actor) { out.append(e.step.actor) }
        }
        return out
    }

    public static func of(_ lot: LotID, from source: any ProvenanceSource, maxDepth: Int = 16) throws -> CustodyChain {
        var entries: [CustodyEntry] = []
        try collect(lot, in: nil, window: 0..<UInt64.max, from: source, depth: maxDepth, into: &entries)
        // Match each shipment with its receive (one receive per shipment, by admission).
        var receives: [EventID: EventID] = [:]
        var shipments: [EventID: EventID] = [:]
        for e in entries where e.kind == .received {
            if let shipment = try shipmentOf(e.step, source) { receives[shipment] = e.step.eventID; shipments[e.step.eventID] = shipment }
        }
        let matched = entries.map { e -> CustodyEntry in
            var e = e
            if e.kind == .shipped { e.receivedBy = receives[e.step.eventID] }
            return e
        }
        var seen = Set<String>()
        let unique = matched.filter { seen.insert("\($0.step.index) \($0.kind.rawValue) \($0.container?.rawValue ?? "")").inserted }
        return CustodyChain(lot: lot, entries: unique.sorted { ($0.step.index, $0.kind.rawValue) < ($1.step.index, $1.kind.rawValue) })
    }

    private static func shipmentOf(_ step: TraceStep, _ source: any ProvenanceSource) throws -> EventID? {
        guard let stored = try source.event(at: step.index),
              case .custodyReceive(let b) = (try? EventEnvelope.parse(stored.leafBytes))?.body else { return nil }
        return b.shipment
    }

    /// The custody events of `lot` with leaf index in `window`; while it sat in containers, theirs too.
    private static func collect(_ lot: LotID, in container: LotID?, window: Range<UInt64>, from source: any ProvenanceSource,
                                depth: Int, into entries: inout [CustodyEntry]) throws {
        guard depth > 0 else { return }
        let links = try source.links(of: lot).filter { window.contains($0.leafIndex) }
        for link in links {
            guard let stored = try source.event(at: link.leafIndex) else {
                throw LedgerError.corrupt("index names event \(link.leafIndex), which is not stored")
            }
            let step = TraceStep(eventID: stored.id, index: stored.index, type: stored.type, actor: stored.actor, time: stored.time)
            switch link.role {
            case .created, .produced:
                if container == nil { entries.append(CustodyEntry(kind: .made, step: step, to: nil, container: nil)) }
            case .shipped:
                guard case .custodyShip(let b) = try EventEnvelope.parse(stored.leafBytes).body else { continue }
                entries.append(CustodyEntry(kind: .shipped, step: step, to: b.to, container: container))
            case .received:
                entries.append(CustodyEntry(kind: .received, step: step, to: nil, container: container))
            case .packed:
                guard case .lotAggregate(let a) = try EventEnvelope.parse(stored.leafBytes).body else { continue }
                entries.append(CustodyEntry(kind: .packed, step: step, to: nil, container: a.parent))
                // Until all of it is unpacked from that container, the container's moves are the lot's.
                var inside = a.children.first { $0.lot == lot }?.quantity.micro ?? 0
                var emptied = UInt64.max
                for later in links where later.role == .unpacked && later.leafIndex > link.leafIndex {
                    guard let unpack = try source.event(at: later.leafIndex),
                          case .lotDisaggregate(let d) = try EventEnvelope.parse(unpack.leafBytes).body, d.parent == a.parent,
                          let line = d.children.first(where: { $0.lot == lot }) else { continue }
                    inside -= line.quantity.micro
                    if inside <= 0 { emptied = later.leafIndex; break }
                }
                let end = max(link.leafIndex + 1, min(emptied, window.upperBound))
                try collect(a.parent, in: a.parent, window: (link.leafIndex + 1)..<end, from: source, depth: depth - 1, into: &entries)
            case .unpacked:
                guard case .lotDisaggregate(let d) = try EventEnvelope.parse(stored.leafBytes).body else { continue }
                entries.append(CustodyEntry(kind: .unpacked, step: step, to: nil, container: d.parent))
            case .consumed, .container, .inspected, .incident, .recalled:
                break
            }
        }
    }
}
