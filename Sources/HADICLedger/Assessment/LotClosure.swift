import HADICCore

/// One lot of a closure: what it is, the index rows of the events that matter for it (up to
/// the assessment time), and how it entered the closure. A class: rules look lots up
/// thousands of times; its rows are settled while the closure is built and never change after.
public final class ClosureLot: @unchecked Sendable {
    public let id: LotID
    /// Its position in ``LotClosure/order`` (rules keep per-lot tables by it, not by id).
    public let slot: Int
    /// What the cache knows of it (its custody lookups hang off it).
    let entry: ProvenanceCache.LotEntry
    /// What it is (read through its entry: copying the record would touch each of its strings).
    public var record: LotRecord { entry.record }
    /// Index rows up to the assessment time, in ledger order (by leaf index, then role): see
    /// ``LotClosure`` for which.
    public internal(set) var links: [LotLink] = []
    /// Its own story up to the assessment time (making, packings, unpackings, inspections,
    /// incidents, recalls), whether or not on the used portion's path.
    public let story: [LotLink]
    /// The containers whose spans count as its travel: every one it was packed into for the
    /// assessed lot and for carriers; for an ingredient, those the used portion was packed into.
    public internal(set) var carrierContainers: Set<LotID> = []
    /// The row of the event that made it: `lot.create`, `lot.transform`, or the first `lot.aggregate` of a container.
    public let origin: LotLink?
    /// Whether ``origin`` is a transformation's output row.
    public let madeByTransformation: Bool
    /// True for the assessed lot and its ingredients (and contents); false for a container that
    /// only carried one of them.
    public let upstream: Bool
    /// Levels below the assessed lot.
    public let depth: Int
    /// ``links`` by role, each in ledger order.
    public internal(set) var byRole: [[LotLink]] = []
    /// The kept shipments that moved it, directly or in a container while it was inside (upstream lots).
    public internal(set) var shipments: [(ship: LotLink, via: LotID?)] = []
    /// The containers it was inside, each with the leaf-index window while it was (upstream lots).
    public internal(set) var carriers: [(container: LotID, window: Range<UInt64>)] = []
    /// What it was made from: a transformation's inputs, or everything packed into it (a container).
    public internal(set) var ingredients: [EventLine] = []
    /// Its ingredients that are in the closure (all of them unless the closure was truncated),
    /// in the order of ``ingredients``, each with its line.
    public internal(set) var inputs: [(line: EventLine, lot: ClosureLot)] = []
    /// A transformation's outputs (for the mass balance), when it was produced by one.
    public internal(set) var outputs: [EventLine] = []
    /// Whether it was ever packed or unpacked (most lots never travel in a container).
    let packs: Bool
    /// Its story is the entry's whole story (nothing in it is later than the assessment time).
    let whole: Bool
    /// The remembered rows it took whole from the cache (``ProvenanceCache/LotEntry/fragment(for:at:)``), if any.
    var fragment: ClosureFragment?
    /// Its links and byRole came whole from the cache.
    var settled: Bool { fragment != nil }

    /// Its kept rows in `role`, in ledger order.
    public func rows(_ role: LotLink.Role) -> [LotLink] { role.position < byRole.count ? byRole[role.position] : [] }

    /// Its kept receipt of the shipment whose row (one of its kept `shipped` rows) is `ship`,
    /// if received by the assessment time. A shipment is received once, with the same lots
    /// (admission), and a closure keeps a lot's shipment only with that lot's receipt of it
    /// when there is one by then: so its own rows hold the only receipt there is.
    public func receipt(of ship: LotLink) -> LotLink? {
        let id = ship.event.id
        return rows(.received).first { $0.shipment == id }
    }

    init(entry: ProvenanceCache.LotEntry, slot: Int, story: [LotLink], whole: Bool, origin: LotLink?, madeByTransformation: Bool,
         packs: Bool, upstream: Bool, depth: Int) {
        self.entry = entry
        self.madeByTransformation = madeByTransformation
        self.slot = slot
        self.packs = packs
        self.whole = whole
        self.id = entry.id
        self.story = story
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
/// Of each lot it keeps the rows that bear on the assessed lot (docs/ASSESSMENT.md):
/// - its making, inspections, incidents and recalls, and the packings and unpackings on the
///   used portion's way (all of them for the assessed lot and carriers);
/// - its uses that made another closure lot (not the other products made from it);
/// - custody: for the assessed lot and for carriers, every shipment and receipt; for an
///   ingredient, the way of the portion that was used (``portionPath``): each user's receipts
///   before its use, the shipments they took in, the packings before an unpacking, and so back
///   through every holder, the maker included. Shipments of the same lot to other customers,
///   or later ones, are not this product's story; carriers are the containers that portion
///   travelled in.
public struct LotClosure: Sendable {
    public let root: LotID
    public let time: Timestamp
    public private(set) var lots: [LotID: ClosureLot] = [:]
    /// Closure lots in the order they were reached (breadth first from the root).
    public private(set) var order: [LotID] = []
    /// The parsed inspections, incidents and recalls of closure lots.
    public private(set) var events: [UInt64: ClosureEvent] = [:]
    /// Every event behind a kept row, once each, by leaf index (what R-SIG checks; the
    /// event of each is ``event(of:)``).
    public private(set) var steps: [ClosureStep] = []
    /// Lots that shared a container with a closure lot without being in the closure.
    public private(set) var neighbours: Set<LotID> = []
    /// Every closure lot, in ``order`` (each lot's ``ClosureLot/slot`` is its position here).
    public private(set) var ordered: [ClosureLot] = []
    /// Upstream lots (the assessed lot, its ingredients and contents), in closure order.
    public private(set) var upstreamLots: [ClosureLot] = []
    /// The container of each packing or unpacking row in the closure, by leaf index.
    private var containerAt: [UInt64: LotID] = [:]

    /// The event of one of ``steps``.
    public func event(of step: ClosureStep) -> LinkEvent { ordered[Int(step.slot)].links[Int(step.row)].event }

    public static let maxLots = 100_000
    /// Levels below the assessed lot that are followed; deeper ingredients are left out and
    /// ``truncated`` says so (which keeps every recursion over the closure bounded).
    public static let maxDepth = 200
    public private(set) var truncated = false

    /// - Parameter cache: what earlier queries of this process read (a fresh one reads everything).
    public init(root: LotID, at time: Timestamp, from source: any AssessmentSource, cache: ProvenanceCache = ProvenanceCache()) throws {
        self.root = root
        self.time = time
        guard let rootEntry = try cache.lot(root, from: source) else { throw AssessmentError.unknownLot(root) }
        // Lots are followed by their cache numbers, and marked in the cache as they are taken:
        // no lot id is hashed while the closure is built.
        cache.beginClosure()
        // Who used each ingredient line, and where: the maker of the lot made from it, or the
        // packer of the container it went into; and the number of each line's lot (both
        // parallel to each lot's ingredients, by slot).
        var lineUses: [[Use]] = []
        var lineNumbers: [[Int]] = []

        // 1. Upstream lots: the root, and down through transformations and container contents.
        var queue: [(number: Int, depth: Int)] = [(rootEntry.number, 0)]
        var head = 0
        while head < queue.count {
            let (number, depth) = queue[head]
            head += 1
            guard cache.closureSlot(of: number) == nil else { continue }
            let lot = try read(number: number, upstream: true, depth: depth, source: source, cache: cache)
            lineUses.append([])  // at lot.slot
            lineNumbers.append([])
            if lot.madeByTransformation, let origin = lot.origin {
                let made = try cache.making(of: lot.entry, madeBy: origin, from: source)
                lot.ingredients = made.inputs
                lot.outputs = made.outputs
                lineUses[lot.slot] = made.uses
                lineNumbers[lot.slot] = made.inputNumbers
                for input in made.inputNumbers {
                    guard depth < LotClosure.maxDepth else { truncated = true; continue }
                    queue.append((input, depth + 1))
                }
            }
            for packing in lot.story where packing.role == .container && packing.event.type == .lotAggregate {
                let children = try cache.lines(at: packing.leafIndex, role: .packed, from: source)
                let numbers = children.map { cache.number(of: $0.lot) }
                lot.ingredients += children
                lineUses[lot.slot] += Array(repeating: Use(party: packing.actor, index: packing.leafIndex), count: children.count)
                lineNumbers[lot.slot] += numbers
                for child in numbers {
                    guard depth < LotClosure.maxDepth else { truncated = true; continue }
                    queue.append((child, depth + 1))
                }
            }
        }

        // Each lot's users, in the order their uses were met (usually one per lot).
        var users = [[Use]](repeating: [], count: ordered.count)
        for lot in ordered where !lot.ingredients.isEmpty {
            let uses = lineUses[lot.slot], numbers = lineNumbers[lot.slot]
            for (i, line) in lot.ingredients.enumerated() {
                guard let slot = cache.closureSlot(of: numbers[i]) else { continue }
                let input = ordered[slot]
                lot.inputs.append((line, input))
                users[slot].append(uses[i])
            }
        }
        // Whether a lot is in the closure so far (containers are met by id: rare).
        func taken(_ id: LotID) -> Bool { cache.closureSlot(of: cache.number(of: id)) != nil }

        // 2. Each upstream lot's custody: all of it for the root; for an ingredient, the path of
        // the portion its users took, with the containers that portion travelled in.
        var carrierQueue: [(LotID, Int)] = []
        // The uses of each ingredient whose rows can be remembered whole, by slot (see below).
        var fragmentUses: [[Use]?] = Array(repeating: nil, count: ordered.count)
        for lot in ordered {  // upstream lots only: carriers join below
            var custody: [LotLink]
            let isRoot = lot.slot == 0
            // An ingredient that never travelled in a container, its whole story in view: its
            // rows depend only on how it was used, so they are remembered per set of uses.
            if !isRoot, !lot.packs, lot.whole {
                let uses = users[lot.slot]
                if let known = lot.entry.fragment(for: uses, at: time) ?? lot.entry.combinedFragment(for: uses, at: time) {
                    lot.links = known.links
                    lot.byRole = known.byRole
                    lot.fragment = known
                    continue
                }
                fragmentUses[lot.slot] = uses
            }
            if isRoot {
                custody = try cache.custody(of: lot.entry, from: source)
                lot.links = lot.story
                lot.carrierContainers = Set(lot.story.filter { $0.role == .packed }.compactMap { containerAt[$0.leafIndex] })
            } else {
                let uses = users[lot.slot]
                let path: PortionPath
                // Remembered when the lot's whole story is in view (its path depends on nothing else).
                if lot.whole {
                    // The path of several uses is the union of each one's (reach only grows), and
                    // each one's is remembered: a raw lot is used by many products' makers.
                    var union = PortionPath()
                    for use in uses {
                        let one: PortionPath
                        if let known = lot.entry.portion(for: use) { one = known } else {
                            one = try Self.portionPath(of: lot, users: [use], containerAt: containerAt, source: source, cache: cache)
                            lot.entry.remember(portion: one, for: use)
                        }
                        union.formUnion(one, first: uses.count == 1)
                    }
                    path = union
                } else {
                    path = try Self.portionPath(of: lot, users: uses, containerAt: containerAt, source: source, cache: cache)
                }
                custody = path.custody
                lot.links = !lot.packs ? lot.story : lot.story.filter { row in
                    switch row.role {
                    // Packing into an upstream container is a use; other packings count when on the path.
                    case .packed: return path.packings.contains(row.leafIndex) || containerAt[row.leafIndex].map(taken) == true
                    case .unpacked: return path.unpackings.contains(row.leafIndex)
                    default: return true
                    }
                }
                if !path.packings.isEmpty { lot.carrierContainers = Set(path.packings.compactMap { containerAt[$0] }) }
            }
            if custody.contains(where: { $0.time > time }) {
                custody = custody.filter { $0.time <= time }
                fragmentUses[lot.slot] = nil  // a later assessment may see more of it
            }
            lot.links += custody
            for container in lot.carrierContainers where !taken(container) { carrierQueue.append((container, lot.depth)) }
        }

        // 3. Carriers: those containers, and the containers they travelled in, with all their custody.
        head = 0
        while head < carrierQueue.count {
            let (id, depth) = carrierQueue[head]
            head += 1
            guard !taken(id) else { continue }
            let lot = try read(number: cache.number(of: id), upstream: false, depth: depth, source: source, cache: cache)
            for packing in lot.story where packing.role == .container && packing.event.type == .lotAggregate {
                for child in try cache.lines(at: packing.leafIndex, role: .packed, from: source) where child.lot != id {
                    neighbours.insert(child.lot)
                }
            }
            if lot.packs { lot.carrierContainers = Set(lot.story.filter { $0.role == .packed }.compactMap { containerAt[$0.leafIndex] }) }
            for container in lot.carrierContainers where !taken(container) { carrierQueue.append((container, depth)) }
            lot.links = lot.story + (try cache.custody(of: lot.entry, from: source)).filter { $0.time <= time }
        }

        // 4. Uses that made a closure lot (the consumer's making row says who, when and which
        // event), then each lot's rows in ledger order, by role.
        let all = ordered
        // Every closure lot by id, for the rules' questions about containers and carriers.
        lots.reserveCapacity(all.count)
        for lot in all { lots[lot.id] = lot }
        var uses = [[LotLink]](repeating: [], count: all.count)
        for lot in all {
            guard lot.upstream, lot.madeByTransformation, let origin = lot.origin else { continue }
            for (line, input) in lot.inputs where !input.settled {
                uses[input.slot].append(LotLink(lot: line.lot, leafIndex: origin.leafIndex, role: .consumed,
                                                quantity: line.quantity, event: origin.event))
            }
        }
        var stepRows: [ClosureStep] = []
        // Remembered rows bring their leaf indexes and observations worked out.
        for lot in all {
            guard let fragment = lot.fragment else { continue }
            let slot = Int32(lot.slot)
            for (row, key) in fragment.keys.enumerated() {
                stepRows.append(ClosureStep(index: ClosureFragment.leafIndex(ofKey: key), slot: slot, row: Int32(row)))
            }
            for index in fragment.observations { events[index] = try cache.event(at: index, from: source) }
        }
        for lot in all where !lot.settled {
            var used = uses[lot.slot]
            if used.count > 1 {  // co-products of one transformation use the same input once
                var seenUses = Set<UInt64>()
                used = used.filter { seenUses.insert($0.leafIndex).inserted }
            }
            lot.links = (lot.links + used).sorted {
                $0.leafIndex != $1.leafIndex ? $0.leafIndex < $1.leafIndex : $0.role.rawValue < $1.role.rawValue
            }
            var roles = [[LotLink]](repeating: [], count: LotLink.Role.allCases.count)
            let slot = Int32(lot.slot)
            for (row, link) in lot.links.enumerated() {
                roles[link.role.position].append(link)
                stepRows.append(ClosureStep(index: link.leafIndex, slot: slot, row: Int32(row)))
                switch link.role {
                case .inspected, .incident, .recalled: events[link.leafIndex] = try cache.event(at: link.leafIndex, from: source)
                default: break
                }
            }
            lot.byRole = roles
            // (Carriers joined after phase 2, beyond the table: they are never remembered.)
            if lot.slot < fragmentUses.count, let uses = fragmentUses[lot.slot] {
                lot.entry.remember(fragment: ClosureFragment(uses: uses, links: lot.links, byRole: roles))
            }
        }
        stepRows.sort { $0.index < $1.index }
        steps.reserveCapacity(stepRows.count)
        for row in stepRows where steps.last?.index != row.index { steps.append(row) }
        upstreamLots = all.filter(\.upstream)
        for lot in upstreamLots {
            if !lot.carrierContainers.isEmpty { lot.carriers = computeCarriers(of: lot.id) }
            // Most lots never travel in a container: their own shipments, already in ledger order
            // (worked out with remembered rows).
            if let fragment = lot.fragment, lot.carriers.isEmpty {
                lot.shipments = fragment.shipments
            } else {
                lot.shipments = lot.carriers.isEmpty ? lot.rows(.shipped).map { ($0, nil) } : computeShipments(of: lot.id)
            }
        }
    }

    /// The rows a closure keeps of an ingredient that never travelled in a container (`entry`)
    /// when one lot of the closure used it, by one line of the transformation `origin` that
    /// made that lot, and the assessment time sees all of them: its whole story, the custody
    /// `path` of the portion that use took, and the row of the use itself, in ledger order.
    /// The same rows (and the same fragment) as ``init(root:at:from:cache:)`` works out for such
    /// a lot; ``LedgerEvidence/prepare(markets:at:)`` works them out ahead for every such use.
    static func singleUseFragment(of entry: ProvenanceCache.LotEntry, line: EventLine, origin: LotLink, path: PortionPath) -> ClosureFragment {
        let use = LotLink(lot: line.lot, leafIndex: origin.leafIndex, role: .consumed, quantity: line.quantity, event: origin.event)
        let links = (entry.links + path.custody + [use]).sorted {
            $0.leafIndex != $1.leafIndex ? $0.leafIndex < $1.leafIndex : $0.role.rawValue < $1.role.rawValue
        }
        var roles = [[LotLink]](repeating: [], count: LotLink.Role.allCases.count)
        for link in links { roles[link.role.position].append(link) }
        return ClosureFragment(uses: [Use(party: origin.actor, index: origin.leafIndex)], links: links, byRole: roles)
    }

    /// Reads a lot into the closure: its record and its own story up to the assessment time,
    /// and the container of each of its packings and unpackings.
    private mutating func read(number: Int, upstream: Bool, depth: Int, source: any AssessmentSource, cache: ProvenanceCache) throws -> ClosureLot {
        guard ordered.count < LotClosure.maxLots else { throw AssessmentError.corrupt("closure of \(root) exceeds \(LotClosure.maxLots) lots") }
        guard let entry = try cache.lot(number: number, from: source) else {
            throw AssessmentError.corrupt("lot \(cache.lotID(number: number)) is named by an event but not stored")
        }
        let id = entry.id
        // Later than the time asked: not part of the ledger as it stood. The whole story's
        // making row and packing were worked out when the entry was made.
        let whole = entry.latest.map({ $0 <= time }) ?? true
        let story = whole ? entry.links : entry.links.filter { $0.time <= time }
        let origin = whole ? entry.origin : story.first { $0.role == .created || $0.role == .produced || $0.role == .container }
        let madeByTransformation = whole ? entry.producedOrigin : origin?.role == .produced
        if ordered.isEmpty && origin == nil { throw AssessmentError.madeAfter(root, time) }  // the root is read first
        let packs = whole ? entry.packs : story.contains { $0.role == .packed || $0.role == .unpacked }
        for row in story where packs && (row.role == .packed || row.role == .unpacked) {
            guard let container = try cache.links(at: row.leafIndex, from: source).first(where: { $0.role == .container })?.lot else {
                throw AssessmentError.corrupt("event \(row.event.id) packs \(id) into no container")
            }
            containerAt[row.leafIndex] = container
        }
        let lot = ClosureLot(entry: entry, slot: ordered.count, story: story, whole: whole, origin: origin, madeByTransformation: madeByTransformation,
                             packs: packs, upstream: upstream, depth: depth)
        cache.mark(number, slot: lot.slot)
        order.append(id)
        ordered.append(lot)
        return lot
    }

    /// What the users of an ingredient took, traced back to its maker: each holder's receipts
    /// before the position it is bounded by (its use, or the shipment or packing by which it
    /// passed the lot on), the shipments those receipts took in, and, when a holder took the lot
    /// out of a container, the packings into that container before then. The maker is a holder
    /// like any other (a lot can come back to it).
    private static func portionPath(of lot: ClosureLot, users: [Use], containerAt: [UInt64: LotID],
                                    source: any AssessmentSource, cache: ProvenanceCache) throws -> PortionPath {
        try portionPath(story: lot.story, of: lot.entry, users: users, containerAt: { containerAt[$0] }, source: source, cache: cache)
    }

    /// ``portionPath(of:users:containerAt:source:cache:)`` for a lot's entry and story (a node
    /// works it out for every use when it starts: ``LedgerEvidence/prepare()``).
    static func portionPath(story: [LotLink], of entry: ProvenanceCache.LotEntry, users: [Use], containerAt: (UInt64) throws -> LotID?,
                            source: any AssessmentSource, cache: ProvenanceCache) throws -> PortionPath {
        var path = PortionPath()
        // Each holder's bound: the latest position where it used or passed on the lot (a few holders at most).
        var bound: [Use] = []
        var frontier: [Use] = []
        var seen = Set<UInt64>()
        let unpackings = story.filter { $0.role == .unpacked }
        let packings = unpackings.isEmpty ? [] : story.filter { $0.role == .packed }
        func reach(_ party: PartyID, before index: UInt64) {
            if let i = bound.firstIndex(where: { $0.party == party }) {
                guard index > bound[i].index else { return }
                bound[i].index = index
            } else {
                bound.append(Use(party: party, index: index))
            }
            frontier.append(Use(party: party, index: index))
        }
        for user in users { reach(user.party, before: user.index) }
        while let next = frontier.popLast() {
            let holder = next.party, before = next.index
            for receipt in try cache.receipts(of: entry, by: holder, from: source) where receipt.leafIndex < before {
                guard seen.insert(receipt.leafIndex).inserted else { continue }
                path.custody.append(receipt)
                guard let ship = try cache.shipment(receivedBy: receipt, of: entry, from: source) else { continue }
                if seen.insert(ship.leafIndex).inserted { path.custody.append(ship) }
                reach(ship.actor, before: ship.leafIndex)
            }
            for unpacking in unpackings where unpacking.actor == holder && unpacking.leafIndex < before {
                guard seen.insert(unpacking.leafIndex).inserted else { continue }
                path.unpackings.insert(unpacking.leafIndex)
                guard let container = try containerAt(unpacking.leafIndex) else { continue }
                for packing in packings where try packing.leafIndex < unpacking.leafIndex && containerAt(packing.leafIndex) == container {
                    path.packings.insert(packing.leafIndex)
                    reach(packing.actor, before: packing.leafIndex)
                }
            }
        }
        return path
    }

    /// A use of a lot: who used it (or passed it on) and at which leaf index.
    struct Use: Equatable {
        let party: PartyID
        var index: UInt64

        // The index tells most uses apart (remembered paths are searched by use).
        static func == (a: Use, b: Use) -> Bool { a.index == b.index && a.party == b.party }
    }

    /// The rows on the way of a used portion (``portionPath``).
    struct PortionPath {
        var custody: [LotLink] = []
        var packings = Set<UInt64>()
        var unpackings = Set<UInt64>()

        /// Adds another path's rows (each once); `first`: this one is empty, take the other whole.
        mutating func formUnion(_ other: PortionPath, first: Bool) {
            if first || (custody.isEmpty && packings.isEmpty && unpackings.isEmpty) { self = other; return }
            // Paths are a few rows: a linear search beats hashing.
            for row in other.custody where !custody.contains(where: { $0.leafIndex == row.leafIndex }) { custody.append(row) }
            if !other.packings.isEmpty { packings.formUnion(other.packings) }
            if !other.unpackings.isEmpty { unpackings.formUnion(other.unpackings) }
        }
    }

    /// The kept receipt of a kept shipment row (of a closure lot), if it was received by the
    /// assessment time (``ClosureLot/receipt(of:)``).
    public func receipt(of ship: LotLink) -> LotLink? {
        lots[ship.lot]?.receipt(of: ship)
    }

    /// The kept rows of `lot` in `role`, in ledger order.
    public func rows(of lot: LotID, _ role: LotLink.Role) -> [LotLink] {
        lots[lot]?.rows(role) ?? []
    }

    /// The parsed inspections, incidents or recalls of `lot`, in ledger order.
    public func events(of lot: LotID, _ role: LotLink.Role) -> [ClosureEvent] {
        rows(of: lot, role).compactMap { events[$0.leafIndex] }
    }

    /// The parsed inspections, incidents or recalls of a closure lot, in ledger order.
    public func events(of lot: ClosureLot, _ role: LotLink.Role) -> [ClosureEvent] {
        lot.rows(role).compactMap { events[$0.leafIndex] }
    }

    /// The containers `lot` was inside, each with the leaf-index window while it was.
    public func carriers(of lot: LotID) -> [(container: LotID, window: Range<UInt64>)] {
        guard let known = lots[lot], known.upstream else { return computeCarriers(of: lot) }
        return known.carriers
    }

    private func computeCarriers(of lot: LotID) -> [(container: LotID, window: Range<UInt64>)] {
        // Most lots never travel in a container.
        guard let known = lots[lot], !known.carrierContainers.isEmpty else { return [] }
        var visiting: Set<LotID> = [lot]
        return computeCarriers(of: lot, visiting: &visiting)
    }

    /// For each container, the spans of ledger positions while some of `lot` was inside it: a
    /// running balance over every packing into and unpacking from that container, in ledger
    /// order. Containers packed into each other in a cycle are followed once.
    private func computeCarriers(of lot: LotID, visiting: inout Set<LotID>) -> [(container: LotID, window: Range<UInt64>)] {
        var moves: [(index: UInt64, container: LotID, micro: Int64)] = []
        guard let known = lots[lot] else { return [] }
        for row in known.story where row.role == .packed || row.role == .unpacked {
            guard let container = containerAt[row.leafIndex], known.carrierContainers.contains(container), let q = row.quantity else { continue }
            moves.append((row.leafIndex, container, row.role == .packed ? q.micro : -q.micro))
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
        let carriers = carriers(of: lot)
        guard !carriers.isEmpty else { return out }  // rows are in ledger order already
        for (container, window) in carriers {
            for ship in rows(of: container, .shipped) where window.contains(ship.leafIndex) { out.append((ship, container)) }
        }
        return out.sorted { $0.0.leafIndex < $1.0.leafIndex }
    }
}

extension LotLink {
    /// The event id in hex, as assessment results name events.
    var eventHex: String { event.id.hex }
}
