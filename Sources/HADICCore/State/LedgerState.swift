import HADICCrypto

/// A registered party. Genesis admins have no registering event.
public struct PartyRecord: Equatable, Sendable {
    public var role: Role
    public var name: String
    public var registeredBy: EventID?
    public var revokedBy: EventID?

    public init(role: Role, name: String, registeredBy: EventID?, revokedBy: EventID?) {
        self.role = role
        self.name = name
        self.registeredBy = registeredBy
        self.revokedBy = revokedBy
    }
}

/// A public key of a party, with the event that added it and the one that retired it.
public struct KeyRecord: Equatable, Sendable {
    public var party: PartyID
    public var publicKey: PublicKey
    public var addedBy: EventID?
    public var retiredBy: EventID?

    public init(party: PartyID, publicKey: PublicKey, addedBy: EventID?, retiredBy: EventID?) {
        self.party = party
        self.publicKey = publicKey
        self.addedBy = addedBy
        self.retiredBy = retiredBy
    }
}

/// A lot or a container, as created.
public struct LotRecord: Equatable, Sendable {
    public enum Kind: String, Sendable { case lot, container }
    public var kind: Kind
    public var product: String
    public var materialClass: String
    public var dimension: QuantityUnit.Dimension
    public var creator: PartyID
    public var createdBy: EventID
    public var recalledBy: EventID?

    public init(kind: Kind, product: String, materialClass: String, dimension: QuantityUnit.Dimension, creator: PartyID, createdBy: EventID, recalledBy: EventID?) {
        self.kind = kind
        self.product = product
        self.materialClass = materialClass
        self.dimension = dimension
        self.creator = creator
        self.createdBy = createdBy
        self.recalledBy = recalledBy
    }
}

/// A shipment in transit or delivered: who sent what to whom.
public struct ShipmentRecord: Equatable, Sendable {
    public var sender: PartyID
    public var recipient: PartyID
    public var lines: [LotID: Int64]
    public var receivedBy: EventID?

    public init(sender: PartyID, recipient: PartyID, lines: [LotID: Int64], receivedBy: EventID?) {
        self.sender = sender
        self.recipient = recipient
        self.lines = lines
        self.receivedBy = receivedBy
    }
}

/// A certificate's current status.
public struct CertificateRecord: Equatable, Sendable {
    public enum Status: String, Sendable { case active, suspended, revoked }
    public var holder: PartyID
    public var status: Status
    public var validFrom: Timestamp
    public var validUntil: Timestamp
    public var issuedBy: EventID
    public var statusBy: EventID?

    public init(holder: PartyID, status: Status, validFrom: Timestamp, validUntil: Timestamp, issuedBy: EventID, statusBy: EventID?) {
        self.holder = holder
        self.status = status
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.issuedBy = issuedBy
        self.statusBy = statusBy
    }
}

/// An incident on a lot and, once resolved, the resolving event.
public struct IncidentRecord: Equatable, Sendable {
    public var lot: LotID
    public var resolvedBy: EventID?

    public init(lot: LotID, resolvedBy: EventID?) {
        self.lot = lot
        self.resolvedBy = resolvedBy
    }
}

/// An event imported from GS1 EPCIS, by its event hash: the HADIC event that carries it, who
/// signed that, the hash algorithm's version, and the `event.declare-error` that declared it
/// erroneous, if one did.
public struct EPCISEventRecord: Equatable, Sendable {
    public var event: EventID
    public var actor: PartyID
    public var version: String
    public var declaredBy: EventID?

    public init(event: EventID, actor: PartyID, version: String, declaredBy: EventID?) {
        self.event = event
        self.actor = actor
        self.version = version
        self.declaredBy = declaredBy
    }
}

public struct HoldingKey: Hashable, Sendable {
    public var lot: LotID
    public var holder: PartyID
    public init(lot: LotID, holder: PartyID) { self.lot = lot; self.holder = holder }
}

public struct ContainmentKey: Hashable, Sendable {
    public var parent: LotID
    public var lot: LotID
    public init(parent: LotID, lot: LotID) { self.parent = parent; self.lot = lot }
}

/// A certificate is named by its issuer and number. Numbers compare by their UTF-8 bytes, as
/// SQLite does: two spellings of a number that Unicode deems equivalent are two certificates.
public struct CertificateKey: Hashable, Sendable {
    public var issuer: PartyID
    public var number: String
    public init(issuer: PartyID, number: String) { self.issuer = issuer; self.number = number }

    public static func == (a: CertificateKey, b: CertificateKey) -> Bool {
        a.issuer == b.issuer && a.number.utf8.elementsEqual(b.number.utf8)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(issuer)
        for byte in number.utf8 { hasher.combine(byte) }
    }
}

/// Everything the admission rules consult, derived from the events alone.
///
/// Two states built from the same events are equal (`==`), which is how `hadic verify --full`
/// checks the stored derived tables against a replay. Each mutation also records the key it
/// touched in ``touched``, so a store can persist just what one block changed.
public struct LedgerState: Equatable, Sendable {
    public internal(set) var parties: [PartyID: PartyRecord] = [:]
    public internal(set) var keys: [String: KeyRecord] = [:]
    public internal(set) var lots: [LotID: LotRecord] = [:]
    /// Remaining quantity, in micro base units, per lot and holder (zero rows are kept).
    public internal(set) var holdings: [HoldingKey: Int64] = [:]
    /// Quantity of a lot packed inside a container.
    public internal(set) var containment: [ContainmentKey: Int64] = [:]
    public internal(set) var shipments: [EventID: ShipmentRecord] = [:]
    public internal(set) var certificates: [CertificateKey: CertificateRecord] = [:]
    public internal(set) var incidents: [EventID: IncidentRecord] = [:]
    /// Events imported from EPCIS, by their event hash URI (`ni:///sha-256;…?ver=CBV2.0`).
    public internal(set) var epcisEvents: [String: EPCISEventRecord] = [:]

    /// Keys touched since the last ``clearTouched()``; not part of equality.
    public private(set) var touched = TouchedKeys()
    /// Whether mutations record their keys in ``touched`` (the default). A store persists a
    /// block's changes from them; a state only replayed and compared (an audit's) or loaded
    /// whole need not pay for a set insertion per change. Not part of equality.
    public var tracksTouched = true

    public init() {}

    public static func == (a: LedgerState, b: LedgerState) -> Bool {
        a.parties == b.parties && a.keys == b.keys && a.lots == b.lots && a.holdings == b.holdings
            && a.containment == b.containment && a.shipments == b.shipments
            && a.certificates == b.certificates && a.incidents == b.incidents && a.epcisEvents == b.epcisEvents
    }

    public mutating func clearTouched() { touched = TouchedKeys() }

    // MARK: Loading (from a store) and mutation (by admission); both record what they touch.

    public mutating func setParty(_ id: PartyID, _ r: PartyRecord) { parties[id] = r; if tracksTouched { touched.parties.insert(id) } }
    public mutating func setKey(_ id: String, _ r: KeyRecord) { keys[id] = r; if tracksTouched { touched.keys.insert(id) } }
    public mutating func setLot(_ id: LotID, _ r: LotRecord) { lots[id] = r; if tracksTouched { touched.lots.insert(id) } }
    public mutating func setHolding(_ k: HoldingKey, _ v: Int64) { holdings[k] = v; if tracksTouched { touched.holdings.insert(k) } }
    public mutating func setContainment(_ k: ContainmentKey, _ v: Int64) { containment[k] = v; if tracksTouched { touched.containment.insert(k) } }
    public mutating func setShipment(_ id: EventID, _ r: ShipmentRecord) { shipments[id] = r; if tracksTouched { touched.shipments.insert(id) } }
    public mutating func setCertificate(_ k: CertificateKey, _ r: CertificateRecord) { certificates[k] = r; if tracksTouched { touched.certificates.insert(k) } }
    public mutating func setIncident(_ id: EventID, _ r: IncidentRecord) { incidents[id] = r; if tracksTouched { touched.incidents.insert(id) } }
    public mutating func setEPCISEvent(_ hash: String, _ r: EPCISEventRecord) { epcisEvents[hash] = r; if tracksTouched { touched.epcisEvents.insert(hash) } }

    // MARK: Queries the rules use

    public func holding(_ lot: LotID, by party: PartyID) -> Int64 { holdings[HoldingKey(lot: lot, holder: party)] ?? 0 }
    public func contained(_ lot: LotID, in parent: LotID) -> Int64 { containment[ContainmentKey(parent: parent, lot: lot)] ?? 0 }

    /// The key record the actor may sign with, if any.
    public func activeKey(_ keyID: String, of party: PartyID) -> KeyRecord? {
        guard let k = keys[keyID], k.party == party, k.retiredBy == nil else { return nil }
        return k
    }
}

/// The keys of each derived table changed since the state was last persisted.
public struct TouchedKeys: Sendable {
    public var parties = Set<PartyID>()
    public var keys = Set<String>()
    public var lots = Set<LotID>()
    public var holdings = Set<HoldingKey>()
    public var containment = Set<ContainmentKey>()
    public var shipments = Set<EventID>()
    public var certificates = Set<CertificateKey>()
    public var incidents = Set<EventID>()
    public var epcisEvents = Set<String>()
}

extension LedgerState {
    /// The node whose current key `key` is: a party registered with role `node`, not revoked,
    /// and `key` not retired. Replica nodes prove these keys to their peers (docs/PROTOCOL.md).
    public func node(holding key: PublicKey) -> PartyID? {
        guard let record = keys[key.keyID], record.publicKey == key, record.retiredBy == nil,
              let party = parties[record.party], party.role == .node, party.revokedBy == nil else { return nil }
        return record.party
    }
}

extension LedgerState {
    /// The current keys of every node party (registered with role `node`, not revoked).
    public var nodeKeys: [PublicKey] {
        keys.values.compactMap { k in
            guard k.retiredBy == nil, let p = parties[k.party], p.role == .node, p.revokedBy == nil else { return nil }
            return k.publicKey
        }
    }
}
