import HADICCore

/// The ledger-wide evidence an assessment consults besides a lot's closure: the policies, every
/// certificate with its history, and the history of assets (cleansings, najis contacts).
///
/// It is read once (through the events-by-type index) and then serves any number of
/// assessments, as a node or a benchmark does; it reflects the ledger when it was loaded.
public final class LedgerEvidence {
    public struct PolicyVersion: Sendable {
        public let version: Int
        public let stored: StoredEvent
        public let body: PolicySet
    }

    /// A cleansing or a najis contact of an asset (vehicle, container, line).
    public struct AssetEvent: Sendable {
        public enum Kind: Sendable { case najis(lot: LotID), cleanse(LotCleanse) }
        public let kind: Kind
        public let time: Timestamp
        public let event: EventID
    }

    public internal(set) var policies: [PolicyVersion]
    public internal(set) var certificates: [PartyID: [CertificateTimeline]]
    /// How many certificates ``certificates`` holds (their ``CertificateTimeline/position``s are below it).
    public internal(set) var certificateCount: Int
    public internal(set) var assets: [String: [AssetEvent]]
    /// The error declarations (`event.declare-error`), by the HADIC event each declares did not
    /// occur as recorded (R-NONCONFORM refuses to rest on it).
    public internal(set) var declarations: [EventID: Declaration]

    /// An `event.declare-error` as the assessment reads it.
    public struct Declaration: Sendable {
        public let stored: StoredEvent
        public let body: EventDeclareError
    }
    /// The ledger's size when the evidence was read (or last moved forward to, ``advance(to:)``):
    /// assessments see nothing later.
    public internal(set) var treeSize: UInt64
    /// What the assessments of this process have read, below ``treeSize`` (it never changes).
    public let cache: ProvenanceCache
    let source: any AssessmentSource
    var nonHalalCache: [Set<String>: NonHalalGoods] = [:]
    var keyCache: [String: (KeyRecord, added: Timestamp?, retired: Timestamp?)] = [:]
    /// Events whose signer checks (R-SIG, short of re-verifying the signature) passed: they
    /// depend only on the event and on keys and parties below ``treeSize``, so they hold for
    /// every later assessment.
    var soundSigners = LeafIndexSet()
    /// The certificate coverage of each shipment's carrier, by scope (``scopeNumber(_:)``) and
    /// the shipment's leaf index.
    var carrierCoverage: [LeafIndexTable<RuleRun.Coverage>] = []
    /// The same for each receipt's or packing's handler, with whether the handler is a warehouse.
    var handlerCoverage: [LeafIndexTable<(RuleRun.Coverage, warehouse: Bool)>] = []
    /// Market, policy and narrowing of each assessment scope, numbered (keys hash a number, not the text).
    var scopes: [String: Int] = [:]

    /// The markets and time of the last ``prepare(markets:at:)`` (nil: never prepared):
    /// ``advance(to:)`` prepares the lots it reads again the same way.
    var preparedFor: (markets: [String], time: Timestamp?)?

    /// Product names split into lowercase words (R-NAME), kept: many lots share a name.
    private var nameWords: [String: [String]] = [:]

    func words(of name: String) -> [String] {
        if let known = nameWords[name] { return known }
        let words = RuleRun.words(name)
        if nameWords.count >= 100_000 { nameWords.removeAll(keepingCapacity: true) }
        nameWords[name] = words
        return words
    }

    func scopeNumber(_ scope: String) -> Int {
        if let n = scopes[scope] { return n }
        let n = scopes.count
        scopes[scope] = n
        carrierCoverage.append(LeafIndexTable())
        handlerCoverage.append(LeafIndexTable())
        return n
    }

    /// Whether the carrier of shipment row `ship` (its `carrier`, else its sender) held an active,
    /// recognised logistics certificate at its time, remembered per scope and event (what a node
    /// asks again and again for the shipments many products share). `remember`: false for a
    /// one-shot assessment, which neither consults nor adds to what earlier ones left.
    func carrierCoverage(of ship: LotLink, scope: Int, market: MarketPolicy, remember: Bool) -> RuleRun.Coverage {
        if remember, let known = carrierCoverage[scope][ship.leafIndex] { return known }
        let found = RuleRun.anyCertificate(of: ship.carrier ?? ship.actor, at: ship.time, logistics: true, market: market, evidence: self)
        if remember { carrierCoverage[scope][ship.leafIndex] = found }
        return found
    }

    /// The coverage of the handler of a receipt or packing row `e`, and whether the handler works
    /// as a warehouse (logistics or exporter: the market may require a halal warehousing
    /// certificate); remembered like ``carrierCoverage(of:scope:market:remember:)``.
    func handlerCoverage(of e: LotLink, scope: Int, market: MarketPolicy, remember: Bool) throws -> (RuleRun.Coverage, warehouse: Bool) {
        if remember, let known = handlerCoverage[scope][e.leafIndex] { return known }
        let role = try party(e.actor)?.0.role
        let warehouse = role == .logistics || role == .exporter
        let found = (RuleRun.anyCertificate(of: e.actor, at: e.time, logistics: warehouse && market.certifiedLogistics, market: market, evidence: self), warehouse)
        if remember { handlerCoverage[scope][e.leafIndex] = found }
        return found
    }
    var partyCache: [PartyID: (PartyRecord, revoked: Timestamp?)] = [:]

    /// - Parameter cacheCapacity: how many lots (and lines, rows, events) ``cache`` holds.
    public init(source: any AssessmentSource, cacheCapacity: Int = 500_000) throws {
        self.source = source
        treeSize = try source.treeSize()
        cache = ProvenanceCache(treeSize: treeSize, capacity: cacheCapacity)
        let globals = try Self.readGlobals(from: source, below: treeSize)
        policies = globals.policies
        certificates = globals.certificates
        certificateCount = globals.certificateCount
        assets = globals.assets
        declarations = globals.declarations
    }

    /// The policies, the certificates (each with its ``CertificateTimeline/position``) and the
    /// assets' history below `treeSize`, read through the events-by-type index.
    static func readGlobals(from source: any AssessmentSource, below treeSize: UInt64) throws
        -> (policies: [PolicyVersion], certificates: [PartyID: [CertificateTimeline]], certificateCount: Int, assets: [String: [AssetEvent]],
            declarations: [EventID: Declaration]) {
        var policies: [PolicyVersion] = []
        var certEvents: [EventEnvelope] = []
        var assets: [String: [AssetEvent]] = [:]
        var declarations: [EventID: Declaration] = [:]
        for stored in try source.events(ofTypes: [.policySet, .certIssue, .certSuspend, .certRevoke, .lotCleanse, .lotIncident, .eventDeclareError])
        where stored.index < treeSize {
            let e: EventEnvelope
            do { e = try EventEnvelope.parse(stored.leafBytes) } catch {
                throw AssessmentError.corrupt("event \(stored.id) does not parse: \(error)")
            }
            switch e.body {
            case .policySet(let p): policies.append(PolicyVersion(version: policies.count + 1, stored: stored, body: p))
            case .certIssue, .certSuspend, .certRevoke: certEvents.append(e)
            case .lotCleanse(let c): assets[c.asset, default: []].append(AssetEvent(kind: .cleanse(c), time: e.time, event: e.id))
            case .lotIncident(let i) where i.kind == .najis:
                if let asset = i.asset { assets[asset, default: []].append(AssetEvent(kind: .najis(lot: i.lot), time: e.time, event: e.id)) }
            case .eventDeclareError(let d): declarations[d.event] = Declaration(stored: stored, body: d)
            default: continue
            }
        }
        let timelines = CertificateTimeline.build(from: certEvents)
        for (i, c) in timelines.enumerated() { c.position = i }
        return (policies, Dictionary(grouping: timelines, by: { $0.issue.holder }), timelines.count, assets, declarations)
    }

    /// The policy in force at `time`: the last `policy.set` (in ledger order) whose time is not after it.
    public func policy(at time: Timestamp) throws(PolicyError) -> HalalPolicy {
        guard let p = policies.last(where: { $0.stored.time <= time }) else { throw .noPolicy(at: time) }
        return HalalPolicy(version: p.version, event: p.stored.id, time: p.stored.time, setBy: p.stored.actor, body: p.body)
    }

    /// A key with the times of the events that added and retired it (nil: at genesis / never).
    func key(_ id: String) throws -> (KeyRecord, added: Timestamp?, retired: Timestamp?)? {
        if let k = keyCache[id] { return k }
        guard let k = try source.key(id) else { return nil }
        let entry = (k, try k.addedBy.flatMap { try source.event(id: $0)?.time }, try k.retiredBy.flatMap { try source.event(id: $0)?.time })
        keyCache[id] = entry
        return entry
    }

    /// What R-SIG finds wrong with an event's signer, short of re-verifying the signature: its
    /// key must be a key of its actor, added before and not retired by the event's time, and
    /// the actor not revoked by then. Empty when sound.
    func signerProblems(of e: LinkEvent) throws -> [String] {
        guard let (key, added, retired) = try key(e.keyID), key.party == e.actor else {
            return ["key \(e.keyID.prefix(16))… of event \(e.id.short) is not a key of \(e.actor)"]
        }
        var problems: [String] = []
        if let added, e.time < added {
            problems.append("event \(e.id.short) at \(e.time) is signed with a key of \(e.actor) added only at \(added)")
        }
        if let retired, retired <= e.time {
            problems.append("event \(e.id.short) at \(e.time) is signed with a key of \(e.actor) retired at \(retired)")
        }
        if let (_, revoked) = try party(e.actor), let revoked, revoked <= e.time {
            problems.append("event \(e.id.short) at \(e.time) is by \(e.actor), revoked at \(revoked)")
        }
        return problems
    }

    func party(_ id: PartyID) throws -> (PartyRecord, revoked: Timestamp?)? {
        if let p = partyCache[id] { return p }
        guard let p = try source.party(id) else { return nil }
        let entry = (p, try p.revokedBy.flatMap { try source.event(id: $0)?.time })
        partyCache[id] = entry
        return entry
    }

    /// Where non-halal goods have been: the vehicle trips that carried them (directly or in a
    /// container), the storage places that received them and the containers they were packed
    /// in, with times and events. Read through the lots-by-class index and the provenance
    /// index (no event is parsed), once per class set.
    func nonHalalGoods(classes: Set<String>) throws -> NonHalalGoods {
        if let cached = nonHalalCache[classes] { return cached }
        var goods = NonHalalGoods()
        let below = treeSize
        /// The trips of `moved` (a non-halal lot, or a container holding one), ended by their receipts.
        func trips(of moved: LotID, carrying lot: LotID) throws {
            var arrivals: [EventID: Timestamp] = [:]
            var ships: [LotLink] = []
            for link in try source.links(of: moved, roles: [.shipped, .received]) where link.leafIndex < below {
                if link.role == .shipped { ships.append(link) } else if let s = link.shipment { arrivals[s] = link.time }
            }
            for ship in ships {
                goods.shipments.insert(ship.event.id)
                if let v = ship.place {
                    goods.vehicles[v, default: []].append(NonHalalGoods.Trip(lot: lot, ship: ship.event.id, start: ship.time, end: arrivals[ship.event.id]))
                }
            }
        }
        for lot in try source.lots(ofClasses: classes.sorted()) {
            try trips(of: lot, carrying: lot)
            for link in try source.links(of: lot, roles: [.received, .packed]) where link.leafIndex < below {
                let mark = NonHalalGoods.Mark(lot: lot, time: link.time, event: link.event.id)
                if link.role == .received {
                    if let place = link.place { goods.storage[place, default: []].append(mark) }
                } else if let container = try cache.links(at: link.leafIndex, from: source).first(where: { $0.role == .container })?.lot {
                    goods.containers[container, default: []].append(mark)
                    try trips(of: container, carrying: lot)
                }
            }
        }
        nonHalalCache[classes] = goods
        return goods
    }
}

/// Where non-halal goods have been (see ``LedgerEvidence/nonHalalGoods(classes:)``).
struct NonHalalGoods: Sendable {
    struct Mark: Sendable { let lot: LotID; let time: Timestamp; let event: EventID }
    /// A vehicle carrying non-halal goods from its shipment until its receipt (nil: not yet received).
    struct Trip: Sendable { let lot: LotID; let ship: EventID; let start: Timestamp; let end: Timestamp? }
    var vehicles: [String: [Trip]] = [:]
    var storage: [String: [Mark]] = [:]
    var containers: [LotID: [Mark]] = [:]
    var shipments: Set<EventID> = []
}
