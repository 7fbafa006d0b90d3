/// How one event touches one lot: the row of the provenance index (`lot_events`).
///
/// The index is a projection of the events alone: `links(of:at:)` is pure, so the rows can be
/// written with each block, rebuilt by `hadic reindex` and recomputed by `hadic verify --full`.
/// Queries walk it instead of scanning events: a lot's history is its links; its ingredients
/// are the `consumed` links of the event where it was `produced`, and so on down.
///
/// Each row also carries what the queries ask of its event (who signed it, when, with which
/// key, and for making and custody events where and how), so that a trace or an assessment
/// reads rows and parses no event except the rare inspections, incidents and recalls.
///
/// A class: queries pass thousands of rows around, sort and share them, and a row never
/// changes; copying one is a single reference count. Equality compares every field.
public final class LotLink: Hashable, Comparable, Sendable, CustomStringConvertible {
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

        // Hashed by case, not by name (queries key tables by role thousands of times).
        public func hash(into hasher: inout Hasher) { hasher.combine(position) }

        /// Its index in ``allCases`` (for tables indexed by role).
        public var position: Int {
            switch self {
            case .created: return 0
            case .consumed: return 1
            case .produced: return 2
            case .container: return 3
            case .packed: return 4
            case .unpacked: return 5
            case .shipped: return 6
            case .received: return 7
            case .inspected: return 8
            case .incident: return 9
            case .recalled: return 10
            }
        }

        /// The roles of a lot's own story: everything but its custody (`shipped`, `received`)
        /// and its uses in other lots (`consumed`).
        public static let story: Set<Role> = [.created, .produced, .container, .packed, .unpacked, .inspected, .incident, .recalled]
    }

    public let lot: LotID
    public let leafIndex: UInt64
    public let role: Role
    /// How much of the lot the event created, made, consumed, packed, unpacked, shipped or
    /// received, as the event wrote it; nil for containers, inspections, incidents and recalls.
    /// Kept in the index so that a trace never has to parse the events it walks.
    public let quantity: Quantity?
    /// The event's id, type, actor, time and signing key.
    public let event: LinkEvent
    /// `custody.ship`: the recipient (`to`).
    public let counterpart: PartyID?
    /// `custody.ship`: the carrier, if the event names one.
    public let carrier: PartyID?
    /// `custody.ship`: the vehicle; `custody.receive`: the storage place; `lot.create` and
    /// `lot.transform`: the facility. Nil when the event names none.
    public let place: String?
    /// `custody.ship`: the dedicated, segregated transport declaration, if made.
    public let segregated: Bool?
    /// `custody.receive`: the shipment it receives.
    public let shipment: EventID?

    public init(lot: LotID, leafIndex: UInt64, role: Role, quantity: Quantity? = nil, event: LinkEvent,
                counterpart: PartyID? = nil, carrier: PartyID? = nil, place: String? = nil,
                segregated: Bool? = nil, shipment: EventID? = nil) {
        self.lot = lot
        self.leafIndex = leafIndex
        self.role = role
        self.quantity = quantity
        self.event = event
        self.counterpart = counterpart
        self.carrier = carrier
        self.place = place
        self.segregated = segregated
        self.shipment = shipment
    }

    public var description: String { "\(lot) @\(leafIndex) \(role.rawValue)" + (quantity.map { " \($0)" } ?? "") }

    public static func == (a: LotLink, b: LotLink) -> Bool {
        a === b || (a.lot == b.lot && a.leafIndex == b.leafIndex && a.role == b.role && a.quantity == b.quantity && a.event == b.event
                    && a.counterpart == b.counterpart && a.carrier == b.carrier && a.place == b.place
                    && a.segregated == b.segregated && a.shipment == b.shipment)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(lot)
        hasher.combine(leafIndex)
        hasher.combine(role)
    }

    /// The event's actor and time (what most questions about a row start from).
    public var actor: PartyID { event.actor }
    public var time: Timestamp { event.time }

    /// The order of the stored index: lot, then leaf index, then role (byte order, as SQLite).
    public static func < (a: LotLink, b: LotLink) -> Bool {
        let byLot = byteOrder(a.lot.rawValue, b.lot.rawValue)
        if byLot != 0 { return byLot < 0 }
        if a.leafIndex != b.leafIndex { return a.leafIndex < b.leafIndex }
        return byteOrder(a.role.rawValue, b.role.rawValue) < 0
    }

    /// The byte order of two strings' UTF-8 (SQLite's BINARY collation), as <0, 0 or >0. An
    /// audit sorts every link of the ledger with this: the generic `lexicographicallyPrecedes`
    /// over `utf8` costs several times more than comparing native strings' contiguous bytes.
    private static func byteOrder(_ a: String, _ b: String) -> Int {
        let fast = a.utf8.withContiguousStorageIfAvailable { pa in
            b.utf8.withContiguousStorageIfAvailable { pb -> Int in
                for i in 0..<min(pa.count, pb.count) where pa[i] != pb[i] { return Int(pa[i]) - Int(pb[i]) }
                return pa.count - pb.count
            }
        }
        if let result = fast ?? nil { return result }
        if a.utf8.elementsEqual(b.utf8) { return 0 }
        return a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : 1
    }

    /// Every lot an event touches, and how. Party, certificate, cleansing, policy and error-declaration events touch none.
    public static func links(of envelope: EventEnvelope, at leafIndex: UInt64) -> [LotLink] {
        links(of: envelope.body, event: LinkEvent(envelope), at: leafIndex)
    }

    public static func links(of body: EventBody, event: LinkEvent, at leafIndex: UInt64) -> [LotLink] {
        func link(_ lot: LotID, _ role: Role, _ quantity: Quantity? = nil, place: String? = nil) -> LotLink {
            LotLink(lot: lot, leafIndex: leafIndex, role: role, quantity: quantity, event: event, place: place)
        }
        func lines(_ lines: [LotQuantity], _ role: Role) -> [LotLink] { lines.map { link($0.lot, role, $0.quantity) } }
        switch body {
        case .lotCreate(let b):
            return [link(b.lot, .created, b.quantity, place: b.facility)]
        case .lotTransform(let b):
            return lines(b.inputs, .consumed) + b.outputs.map { link($0.lot, .produced, $0.quantity, place: b.facility) }
        case .lotAggregate(let b):
            return [link(b.parent, .container)] + lines(b.children, .packed)
        case .lotDisaggregate(let b):
            return [link(b.parent, .container)] + lines(b.children, .unpacked)
        case .custodyShip(let b):
            return b.lots.map {
                LotLink(lot: $0.lot, leafIndex: leafIndex, role: .shipped, quantity: $0.quantity, event: event,
                        counterpart: b.to, carrier: b.carrier, place: b.vehicle, segregated: b.segregated)
            }
        case .custodyReceive(let b):
            return b.lots.map {
                LotLink(lot: $0.lot, leafIndex: leafIndex, role: .received, quantity: $0.quantity, event: event,
                        place: b.storage, shipment: b.shipment)
            }
        case .lotInspect(let b):
            return [link(b.lot, .inspected)]
        case .lotIncident(let b):
            return [link(b.lot, .incident)]
        case .lotRecall(let b):
            return [link(b.lot, .recalled)]
        case .partyRegister, .partyRotateKey, .partyRevoke, .certIssue, .certSuspend, .certRevoke, .lotCleanse, .policySet:
            return []
        case .eventDeclareError:
            // A declaration names an event, not lots: the assessment reads declarations
            // ledger-wide (LedgerEvidence), so the declared event's lots need no new row.
            return []
        }
    }
}

/// The event behind a ``LotLink``: what every index row repeats of it, so that a query can name,
/// date and check the signer of a step without reading the event. A class, shared by the rows
/// of one event; equality compares every field.
public final class LinkEvent: Hashable, Sendable {
    public let id: EventID
    public let type: EventType
    public let actor: PartyID
    public let time: Timestamp
    /// The id of the key that signed it (64 lowercase hex digits).
    public let keyID: String

    public static func == (a: LinkEvent, b: LinkEvent) -> Bool {
        a === b || (a.id == b.id && a.type == b.type && a.actor == b.actor && a.time == b.time && a.keyID == b.keyID)
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(id) }

    public init(id: EventID, type: EventType, actor: PartyID, time: Timestamp, keyID: String) {
        self.id = id
        self.type = type
        self.actor = actor
        self.time = time
        self.keyID = keyID
    }

    public convenience init(_ e: EventEnvelope) {
        self.init(id: e.id, type: e.type, actor: e.actor, time: e.time, keyID: e.keyID)
    }
}
