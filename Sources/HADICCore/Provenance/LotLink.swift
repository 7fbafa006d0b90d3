/// How one event touches one lot: the row of the provenance index (`lot_events`).
///
/// The index is a projection of the events alone: `links(of:at:)` is pure, so the rows can be
/// written with each block, rebuilt by `hadic reindex` and recomputed by `hadic verify --full`.
/// Queries walk it instead of scanning events: a lot's history is its links; its ingredients
/// are the `consumed` links of the event where it was `produced`, and so on down.
public struct LotLink: Hashable, Comparable, Sendable, CustomStringConvertible {
    public enum Role: String, CaseIterable, Sendable {
        /// `lot.create`
        case created
        /// a `lot.transform` input / output
        case consumed, produced
        /// `lot.aggregate` / `lot.disaggregate`: the parent, and the children packed or unpacked
        case container, packed, unpacked
        /// `custody.ship` / `custody.receive`
        case shipped, received
        /// `lot.inspect`, `lot.incident`, `lot.recall`
        case inspected, incident, recalled
    }

    public let lot: LotID
    public let leafIndex: UInt64
    public let role: Role
    /// How much of the lot the event created, made, consumed, packed, unpacked, shipped or
    /// received, as the event wrote it; nil for containers, inspections, incidents and recalls.
    /// Kept in the index so that a trace never has to parse the events it walks.
    public let quantity: Quantity?

    public init(lot: LotID, leafIndex: UInt64, role: Role, quantity: Quantity? = nil) {
        self.lot = lot
        self.leafIndex = leafIndex
        self.role = role
        self.quantity = quantity
    }

    public var description: String { "\(lot) @\(leafIndex) \(role.rawValue)" + (quantity.map { " \($0)" } ?? "") }

    /// The order of the stored index: lot, then leaf index, then role (byte order, as SQLite).
    public static func < (a: LotLink, b: LotLink) -> Bool {
        if a.lot != b.lot { return a.lot.rawValue.utf8.lexicographicallyPrecedes(b.lot.rawValue.utf8) }
        if a.leafIndex != b.leafIndex { return a.leafIndex < b.leafIndex }
        return a.role.rawValue.utf8.lexicographicallyPrecedes(b.role.rawValue.utf8)
    }

    /// Every lot an event touches, and how. Party, certificate, cleansing and policy events touch none.
    public static func links(of body: EventBody, at leafIndex: UInt64) -> [LotLink] {
        func link(_ lot: LotID, _ role: Role, _ quantity: Quantity? = nil) -> LotLink {
            LotLink(lot: lot, leafIndex: leafIndex, role: role, quantity: quantity)
        }
        func lines(_ lines: [LotQuantity], _ role: Role) -> [LotLink] { lines.map { link($0.lot, role, $0.quantity) } }
        switch body {
        case .lotCreate(let b):
            return [link(b.lot, .created, b.quantity)]
        case .lotTransform(let b):
            return lines(b.inputs, .consumed) + b.outputs.map { link($0.lot, .produced, $0.quantity) }
        case .lotAggregate(let b):
            return [link(b.parent, .container)] + lines(b.children, .packed)
        case .lotDisaggregate(let b):
            return [link(b.parent, .container)] + lines(b.children, .unpacked)
        case .custodyShip(let b):
            return lines(b.lots, .shipped)
        case .custodyReceive(let b):
            return lines(b.lots, .received)
        case .lotInspect(let b):
            return [link(b.lot, .inspected)]
        case .lotIncident(let b):
            return [link(b.lot, .incident)]
        case .lotRecall(let b):
            return [link(b.lot, .recalled)]
        case .partyRegister, .partyRotateKey, .partyRevoke, .certIssue, .certSuspend, .certRevoke, .lotCleanse, .policySet:
            return []
        }
    }
}
