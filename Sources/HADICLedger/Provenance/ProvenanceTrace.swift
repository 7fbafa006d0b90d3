import HADICCore

/// One step of a lot's story: the event, who signed it and when.
public struct TraceStep: Equatable, Sendable {
    public let eventID: EventID
    public let index: UInt64
    public let type: EventType
    public let actor: PartyID
    public let time: Timestamp

    public init(eventID: EventID, index: UInt64, type: EventType, actor: PartyID, time: Timestamp) {
        self.eventID = eventID
        self.index = index
        self.type = type
        self.actor = actor
        self.time = time
    }
}

/// A lot in a provenance tree: what it is, the event that made it, how much of it the parent
/// step used (or made), and the lots before (trace back) or after (trace forward) it.
public struct TraceNode: Sendable {
    public let lot: LotID
    public let record: LotRecord?
    /// The amount on the edge to the parent: consumed by, packed into, or made from it.
    public let quantity: Quantity?
    /// Back: the event that made this lot (create, transform, or first aggregation).
    /// Forward: the event that used the parent to make this lot.
    public let step: TraceStep?
    public var children: [TraceNode]
    /// True when this lot's subtree was already shown elsewhere in the tree.
    public let repeated: Bool
}

/// Ingredient trees over the provenance index (`lot_events`).
///
/// Back: a lot made by a transformation has that transformation's inputs as children; a
/// container has what was packed into it; a created lot is a raw material. Forward: the
/// outputs of every transformation that consumed the lot, and the containers it was packed into.
/// A lot reached twice (a DAG) is expanded once; later occurrences are marked `repeated`.
public struct ProvenanceTrace {
    public let source: any ProvenanceSource
    public let maxDepth: Int
    /// What earlier queries of this process read, if it keeps it.
    public let cache: ProvenanceCache?

    public init(source: any ProvenanceSource, maxDepth: Int = 64, cache: ProvenanceCache? = nil) {
        self.source = source
        self.maxDepth = maxDepth
        self.cache = cache
    }

    public func back(_ lot: LotID) throws -> TraceNode {
        var seen = Set<LotID>()
        if let graph = try source.ingredientGraph(of: lot) {
            return back(lot, quantity: nil, depth: 0, seen: &seen, graph: graph)
        }
        var records: [LotID: LotRecord?] = [:]
        return try back(lot, quantity: nil, depth: 0, seen: &seen, records: &records)
    }

    /// The same walk as below, over a graph read in bulk.
    private func back(_ lot: LotID, quantity: Quantity?, depth: Int, seen: inout Set<LotID>, graph: IngredientGraph) -> TraceNode {
        let record = graph.records[lot]
        guard seen.insert(lot).inserted, depth < maxDepth else {
            return TraceNode(lot: lot, record: record, quantity: quantity, step: nil, children: [], repeated: true)
        }
        let children = (graph.ingredients[lot] ?? []).map { edge in
            back(edge.lot, quantity: edge.quantity, depth: depth + 1, seen: &seen, graph: graph)
        }
        return TraceNode(lot: lot, record: record, quantity: quantity, step: graph.origins[lot], children: children, repeated: false)
    }

    public func forward(_ lot: LotID) throws -> TraceNode {
        var seen = Set<LotID>()
        return try forward(lot, quantity: nil, step: nil, depth: 0, seen: &seen)
    }

    private func step(_ e: StoredEvent) -> TraceStep {
        TraceStep(eventID: e.id, index: e.index, type: e.type, actor: e.actor, time: e.time)
    }

    private func step(_ row: LotLink) -> TraceStep {
        TraceStep(eventID: row.event.id, index: row.leafIndex, type: row.event.type, actor: row.actor, time: row.time)
    }

    private func back(_ lot: LotID, quantity: Quantity?, depth: Int, seen: inout Set<LotID>,
                      records: inout [LotID: LotRecord?]) throws -> TraceNode {
        let record: LotRecord?
        var cached: [LotLink]?
        if let cache {
            let entry = try cache.lot(lot, from: source)
            record = entry?.record
            cached = entry?.links.filter { $0.role == .created || $0.role == .produced || $0.role == .container } ?? []
        } else if let known = records[lot] {
            record = known
        } else {
            record = try source.lot(lot)
            records[lot] = record
        }
        guard seen.insert(lot).inserted, depth < maxDepth else {
            return TraceNode(lot: lot, record: record, quantity: quantity, step: nil, children: [], repeated: true)
        }
        let links = try cached ?? source.links(of: lot, roles: [.created, .produced, .container])
        guard let origin = links.first else {
            return TraceNode(lot: lot, record: record, quantity: quantity, step: nil, children: [], repeated: false)
        }
        // The ingredients and their quantities are index rows of the making event: no event
        // is parsed. Children come in lot id order.
        var children: [TraceNode] = []
        switch origin.role {
        case .produced:
            for input in try source.lines(at: origin.leafIndex, role: .consumed) {
                children.append(try back(input.lot, quantity: input.quantity, depth: depth + 1, seen: &seen, records: &records))
            }
        case .container:
            // Everything ever packed into this container.
            for packing in links where packing.role == .container {
                for child in try source.lines(at: packing.leafIndex, role: .packed) {
                    children.append(try back(child.lot, quantity: child.quantity, depth: depth + 1, seen: &seen, records: &records))
                }
            }
        default:
            break
        }
        return TraceNode(lot: lot, record: record, quantity: quantity, step: step(origin), children: children, repeated: false)
    }

    /// A stored event and its body, read once through the cache (this process's, or a fresh one).
    private func admitted(at index: UInt64) throws -> (StoredEvent, EventBody) {
        let e = try (cache ?? ProvenanceCache()).event(at: index, from: source)
        return (e.stored, e.body)
    }

    private func forward(_ lot: LotID, quantity: Quantity?, step edge: TraceStep?, depth: Int, seen: inout Set<LotID>) throws -> TraceNode {
        let record = try source.lot(lot)
        guard seen.insert(lot).inserted, depth < maxDepth else {
            return TraceNode(lot: lot, record: record, quantity: quantity, step: edge, children: [], repeated: true)
        }
        var children: [TraceNode] = []
        for link in try source.links(of: lot, roles: [.consumed, .packed]) {
            let (stored, body) = try admitted(at: link.leafIndex)
            switch body {
            case .lotTransform(let b):
                for output in b.outputs {
                    children.append(try forward(output.lot, quantity: output.quantity, step: step(stored), depth: depth + 1, seen: &seen))
                }
            case .lotAggregate(let a):
                let packed = a.children.first { $0.lot == lot }?.quantity
                children.append(try forward(a.parent, quantity: packed, step: step(stored), depth: depth + 1, seen: &seen))
            default:
                break
            }
        }
        return TraceNode(lot: lot, record: record, quantity: quantity, step: edge, children: children, repeated: false)
    }
}
