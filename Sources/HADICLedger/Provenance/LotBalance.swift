import HADICCore

/// The mass balance of one lot, summed from the events that touched it (micro base units).
///
/// `made` counts creation and transformation output; `received`/`shipped` count custody moves
/// between parties; `consumed` counts transformation inputs; `packed`/`unpacked` count moves
/// into and out of containers. Across all holders, what remains outside containers and transit is
/// `made + received − shipped − consumed − packed + unpacked − (shipped but not yet received)`,
/// which the derived holdings must match.
public struct LotBalance: Equatable, Sendable {
    public var made: Int64 = 0
    public var received: Int64 = 0
    public var shipped: Int64 = 0
    public var consumed: Int64 = 0
    public var packed: Int64 = 0
    public var unpacked: Int64 = 0

    public init() {}

    /// Outside containers, summed over every holder, counting goods in transit as not held.
    public var held: Int64 { made + received - shipped - consumed - packed + unpacked }
    public var inContainers: Int64 { packed - unpacked }
    public var inTransit: Int64 { shipped - received }

    public static func of(_ lot: LotID, from source: any ProvenanceSource) throws -> LotBalance {
        var b = LotBalance()
        let links = try source.links(of: lot)
        for link in links {
            guard let stored = try source.event(at: link.leafIndex) else {
                throw LedgerError.corrupt("index names event \(link.leafIndex), which is not stored")
            }
            let body = try EventEnvelope.parse(stored.leafBytes).body
            func line(_ lines: [LotQuantity]) -> Int64 { lines.first { $0.lot == lot }?.quantity.micro ?? 0 }
            switch (link.role, body) {
            case (.created, .lotCreate(let c)): b.made += c.quantity.micro
            case (.produced, .lotTransform(let t)): b.made += t.outputs.first { $0.lot == lot }?.quantity.micro ?? 0
            case (.consumed, .lotTransform(let t)): b.consumed += line(t.inputs)
            case (.shipped, .custodyShip(let s)): b.shipped += line(s.lots)
            case (.received, .custodyReceive(let r)): b.received += line(r.lots)
            case (.packed, .lotAggregate(let a)): b.packed += line(a.children)
            case (.unpacked, .lotDisaggregate(let d)): b.unpacked += line(d.children)
            case (.container, .lotAggregate) where link.leafIndex == links.first?.leafIndex:
                // A container is made by its first aggregation: 1 pcs, held by its packer.
                b.made += QuantityUnit.pcs.microUnits
            default:
                break
            }
        }
        return b
    }
}
