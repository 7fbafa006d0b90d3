import HADICCore

/// One step of a lot's story: the event, who signed it and when.
public struct TraceStep: Equatable, Sendable {
    public let eventID: EventID
    public let index: UInt64
    public let type: EventType
    public let actor: PartyID
    public let time: Timestamp

    /// The step a provenance-index row names.
    public init(_ row: LotLink) {
        self.init(eventID: row.event.id, index: row.leafIndex, type: row.event.type, actor: row.actor, time: row.time)
    }

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
        // Through the cache, lots are followed by their numbers: nothing is hashed per lot.
        if let cache, let number = try cache.knownNumber(of: lot, from: source) {
            cache.beginTrace()
            return try back(number: number, quantity: nil, depth: 0, cache: cache)
        }
        var seen = Set<LotID>()
        var nodes: [LotID: IngredientNode] = [:]
        return try back(lot, quantity: nil, depth: 0, seen: &seen, nodes: &nodes)
    }

    /// Children in the order of the node's ingredients; each lot read once (through the cache, if any).
    private func back(_ lot: LotID, quantity: Quantity?, depth: Int, seen: inout Set<LotID>,
                      nodes: inout [LotID: IngredientNode]) throws -> TraceNode {
        let node: IngredientNode
        if let cache {
            node = try cache.ingredientNode(of: lot, from: source)
        } else if let known = nodes[lot] {
            node = known
        } else {
            node = try source.ingredientNode(of: lot)
            nodes[lot] = node
        }
        guard seen.insert(lot).inserted, depth < maxDepth else {
            return TraceNode(lot: lot, record: node.record, quantity: quantity, step: nil, children: [], repeated: true)
        }
        var children: [TraceNode] = []
        children.reserveCapacity(node.ingredients.count)
        for edge in node.ingredients {
            children.append(try back(edge.lot, quantity: edge.quantity, depth: depth + 1, seen: &seen, nodes: &nodes))
        }
        return TraceNode(lot: lot, record: node.record, quantity: quantity, step: node.step, children: children, repeated: false)
    }

    /// ``back(_:)`` through the cache, by lot number (the same tree, the same order).
    private func back(number: Int, quantity: Quantity?, depth: Int, cache: ProvenanceCache) throws -> TraceNode {
        let facts = try cache.traceFacts(number: number, from: source)
        let lot = cache.lotID(number: number)
        let node = facts.node
        guard cache.firstShown(number), depth < maxDepth else {
            return TraceNode(lot: lot, record: node.record, quantity: quantity, step: nil, children: [], repeated: true)
        }
        var children: [TraceNode] = []
        children.reserveCapacity(node.ingredients.count)
        for (edge, ingredient) in zip(node.ingredients, facts.ingredients) {
            children.append(try back(number: ingredient, quantity: edge.quantity, depth: depth + 1, cache: cache))
        }
        return TraceNode(lot: lot, record: node.record, quantity: quantity, step: node.step, children: children, repeated: false)
    }

    public func forward(_ lot: LotID) throws -> TraceNode {
        var seen = Set<LotID>()
        return try forward(lot, quantity: nil, step: nil, depth: 0, seen: &seen)
    }

    private func step(_ e: StoredEvent) -> TraceStep {
        TraceStep(eventID: e.id, index: e.index, type: e.type, actor: e.actor, time: e.time)
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
