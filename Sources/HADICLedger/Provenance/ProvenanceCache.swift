import HADICCore

/// A stored event as queries use it: its stored columns and, read once, its body and key id
/// (``AdmittedEvent``). The leaf bytes are not kept. A class: queries pass thousands of these
/// around, and sharing one is a single reference count.
public final class ClosureEvent: Sendable {
    public let stored: StoredEvent
    public let keyID: String
    public let body: EventBody
    /// The event id in hex, as results name it (computed once).
    public let id: String

    init(stored: StoredEvent, keyID: String, body: EventBody) {
        self.stored = stored
        self.keyID = keyID
        self.body = body
        id = stored.id.hex
    }
    public var index: UInt64 { stored.index }
    public var time: Timestamp { stored.time }
    public var actor: PartyID { stored.actor }
}

/// What the queries of one process have read of the ledger below a fixed tree size: lots (what
/// they are, and their own story's index rows), custody rows, the lot lines of transformations
/// and packings, and the events whose bodies were needed.
///
/// Below that size the ledger never changes: events are append-only, a lot's record is fixed at
/// its creation (its recall is read from its rows, not the record), and rows for later events
/// are left out. So nothing here goes stale; a view of a newer ledger needs a new cache. It is
/// what lets a node answer many traces and assessments from memory; a node may also load all of
/// it at start (``preload(from:)``). Each lot's entry also keeps what assessments worked out
/// about it that depends only on the ledger (its portions' custody paths, its closure rows per
/// way it was used: docs/ASSESSMENT.md). Bounded: when a part is full it is emptied and refills
/// with what queries touch next; only the lots' numbers stay (one per lot met, at most the
/// ledger's lots below the tree size), so that a lot keeps its number.
public final class ProvenanceCache {
    /// Rows and events at this leaf index or later are ignored. It only grows, and only through
    /// ``advance(to:touched:from:)``, which first drops what the newer events can change.
    public internal(set) var treeSize: UInt64
    public let capacity: Int
    var lots: [LotID: LotEntry] = [:]
    /// Every lot this cache has met, numbered in the order met (``LotEntry/number``). Never
    /// emptied, so a lot keeps its number when its entry is dropped and read again.
    private var numbers: [LotID: Int] = [:]
    /// Each number's lot id, and its entry while held (emptied with ``lots``).
    private var idOfNumber: [LotID] = []
    var entryOfNumber: [LotEntry?] = []
    /// Which closure (``beginClosure()``) last took each numbered lot, and in which slot.
    private var closureMarks = ClosureMarks()
    /// Which backward trace (``beginTrace()``) last showed each numbered lot.
    private var traceMarks = ClosureMarks()
    var nodes: [LotID: IngredientNode] = [:]
    private var events: [UInt64: ClosureEvent] = [:]
    private struct LineKey: Hashable { let index: UInt64; let role: LotLink.Role }
    private var lines: [LineKey: [EventLine]] = [:]
    private var rows: [UInt64: [LotLink]] = [:]
    public private(set) var eventReads = 0
    /// Every lot below the tree size is held with all its rows (a preload that was not stopped
    /// by the capacity, kept so by ``advance(to:touched:from:)``).
    public internal(set) var whole = false

    /// What is known of one lot: its record and story, and, as queries ask, its custody rows.
    /// The custody lookups hang off the lot so that a query holding the entry asks them
    /// without hashing the lot's id again.
    public final class LotEntry {
        public let id: LotID
        /// Its number in this cache (dense from 0, stable while the cache lives).
        public let number: Int
        /// The first making row of its whole story (`lot.create`, `lot.transform`, or a
        /// container's first aggregation or disaggregation), as a closure reads it when the
        /// assessment time sees the whole story.
        let origin: LotLink?
        /// Whether ``origin`` is a transformation's output row (kept beside it: asking does not visit the row).
        let producedOrigin: Bool
        /// Whether its story packs or unpacks it (most lots never travel in a container).
        let packs: Bool
        /// The lines of the transformation that made it, with each input's number
        /// (``ProvenanceCache/making(of:madeBy:from:)``), once asked (a preload works it out for every lot).
        var making: Making?
        /// What a backward trace shows of it, with its ingredients' numbers (parallel to the
        /// node's ingredients), once asked (a preload works it out for every lot).
        var trace: TraceFacts?
        public let record: LotRecord
        /// Its story's index rows below the tree size, in ledger order.
        public let links: [LotLink]
        var receiptsByParty: [PartyID: [LotLink]] = [:]
        /// The shipment row each receipt (by its leaf index) took in; nil when none is stored.
        var shipmentByReceipt: [UInt64: LotLink?] = [:]
        var custody: [LotLink]?
        /// Loaded with all its rows (``ProvenanceCache/preload(from:)``): a party missing from
        /// ``receiptsByParty`` received none, a receipt missing from ``shipmentByReceipt`` took in no stored shipment.
        var complete = false
        /// The custody path of the portion taken by each use of it traced so far (a raw lot
        /// is used by several makers, each in many closures); a few hundred at most.
        private var portions: [(use: LotClosure.Use, path: LotClosure.PortionPath)] = []

        /// An ingredient's closure rows (in ledger order, and by role) for each way it was used
        /// so far, with the latest time among them: an assessment at that time or later reuses them.
        /// (The uses and time beside each fragment: searching them does not visit the fragments.)
        private var fragments: [(uses: [LotClosure.Use], latest: Timestamp?, fragment: ClosureFragment)] = []

        /// Fragments worked out ahead for each single use of it (``LedgerEvidence/prepare(markets:at:)``),
        /// by use; not limited like ``fragments`` (a lot has a few uses, at most one per maker that used it).
        private var preparedFragments: [(use: LotClosure.Use, latest: Timestamp?, fragment: ClosureFragment)] = []

        func fragment(for uses: [LotClosure.Use], at time: Timestamp) -> ClosureFragment? {
            if let known = fragments.first(where: { $0.uses == uses }) {
                return known.latest.map({ $0 <= time }) ?? true ? known.fragment : nil
            }
            guard uses.count == 1, let prepared = preparedFragments.first(where: { $0.use == uses[0] }),
                  prepared.latest.map({ $0 <= time }) ?? true else { return nil }
            return prepared.fragment
        }

        /// For an ingredient used several ways in one closure: the fragments worked out ahead for
        /// each of those uses, combined (a closure's rows for several uses are the union of each
        /// one's: the story, each use's portion path and row), and remembered like those closures
        /// work out; nil unless every use has one that the assessment time sees whole.
        func combinedFragment(for uses: [LotClosure.Use], at time: Timestamp) -> ClosureFragment? {
            guard uses.count > 1, !preparedFragments.isEmpty else { return nil }
            var parts: [ClosureFragment] = []
            for use in uses {
                guard let prepared = preparedFragments.first(where: { $0.use == use }), prepared.latest.map({ $0 <= time }) ?? true else {
                    return nil
                }
                if !parts.contains(where: { $0 === prepared.fragment }) { parts.append(prepared.fragment) }
            }
            // One use named twice (co-products of one transformation): that use's rows.
            guard parts.count > 1 else { return parts.first }
            let combined = ClosureFragment(uses: uses, combining: parts)
            remember(fragment: combined)
            return combined
        }

        /// Whether a fragment for the single use `use` was worked out ahead.
        func hasPreparedFragment(for use: LotClosure.Use) -> Bool {
            preparedFragments.contains { $0.use == use }
        }

        func remember(preparedFragment fragment: ClosureFragment) {
            guard fragment.uses.count == 1 else { return }
            preparedFragments.append((fragment.uses[0], fragment.latest, fragment))
        }

        func remember(fragment: ClosureFragment) {
            if fragments.count >= 8 { fragments.removeFirst() }
            fragments.append((fragment.uses, fragment.latest, fragment))
        }

        /// Its maker's certificate coverage (``RuleRun/coverage(_:)``) under each assessment
        /// scope asked so far, worked out when its whole story was in view (then it depends on
        /// nothing but the lot, the scope and the certificates, all fixed below the tree size).
        /// Only the making rules read and write it (the calling thread of an assessment).
        private var makerCoverage: [(scope: Int, coverage: RuleRun.Coverage)] = []

        func makerCoverage(scope: Int) -> RuleRun.Coverage? {
            makerCoverage.first { $0.scope == scope }?.coverage
        }

        func remember(makerCoverage coverage: RuleRun.Coverage, scope: Int) {
            if makerCoverage.count >= 8 { makerCoverage.removeFirst() }
            makerCoverage.append((scope, coverage))
        }

        /// Drops every remembered maker coverage (the certificates, the policy or the parties
        /// changed: ``LedgerEvidence/advance(to:)``).
        func forgetMakerCoverage() { makerCoverage.removeAll() }

        func portion(for use: LotClosure.Use) -> LotClosure.PortionPath? {
            portions.first { $0.use == use }?.path
        }

        func remember(portion path: LotClosure.PortionPath, for use: LotClosure.Use) {
            if portions.count >= 256 { portions.removeFirst() }
            portions.append((use, path))
        }

        /// The latest time among ``links`` (an assessment at that time or later sees the whole story).
        let latest: Timestamp?

        init(id: LotID, number: Int, record: LotRecord, links: [LotLink]) {
            self.id = id
            self.number = number
            self.record = record
            self.links = links
            latest = links.max(by: { $0.time < $1.time })?.time
            origin = links.first { $0.role == .created || $0.role == .produced || $0.role == .container }
            producedOrigin = origin?.role == .produced
            packs = links.contains { $0.role == .packed || $0.role == .unpacked }
        }
    }

    /// A lot as a backward trace shows it, with the number of each of its ingredients.
    struct TraceFacts {
        let node: IngredientNode
        /// Each ingredient's ``LotEntry/number``, parallel to ``IngredientNode/ingredients``.
        let ingredients: [Int]
    }

    /// A transformation's lines as the lot it made keeps them, with its inputs' numbers.
    struct Making {
        /// The transformation's leaf index.
        let index: UInt64
        let inputs: [EventLine]
        let outputs: [EventLine]
        /// Each input's ``LotEntry/number``, parallel to ``inputs``.
        let inputNumbers: [Int]
        /// The use of each input (the maker, at the transformation), parallel to ``inputs``.
        let uses: [LotClosure.Use]
    }

    /// The number of a lot id, given the first time it is met.
    func number(of id: LotID) -> Int {
        if let known = numbers[id] { return known }
        let n = idOfNumber.count
        numbers[id] = n
        idOfNumber.append(id)
        entryOfNumber.append(nil)
        return n
    }

    /// The lot id numbered `n`.
    func lotID(number n: Int) -> LotID { idOfNumber[n] }

    /// The number of a lot that is stored below the tree size (nil: unknown, or made later),
    /// reading it if it was never met: a lot id asked about from outside is numbered only
    /// once it is known to be in this view of the ledger.
    func knownNumber(of id: LotID, from source: any ProvenanceSource) throws -> Int? {
        if let known = numbers[id] { return known }
        return try lot(id, from: source)?.number
    }

    /// Starts marking the lots a new backward trace shows (``firstShown(_:)``). One trace at
    /// a time per cache (like closures: the cache is not shared between threads).
    func beginTrace() { traceMarks.begin(count: idOfNumber.count) }

    /// True the first time the trace being built asks about lot number `n`.
    func firstShown(_ n: Int) -> Bool {
        guard traceMarks.slot(of: n) == nil else { return false }
        traceMarks.mark(n, slot: 0)
        return true
    }

    /// Lot number `n` as a backward trace shows it, with its ingredients' numbers: from its
    /// entry when held (a preload works it out for every lot), else through
    /// ``ingredientNode(of:from:)``.
    func traceFacts(number n: Int, from source: any ProvenanceSource) throws -> TraceFacts {
        let entry = entryOfNumber[n]
        if let known = entry?.trace { return known }
        let node = try ingredientNode(of: idOfNumber[n], from: source)
        let facts = TraceFacts(node: node, ingredients: node.ingredients.map { number(of: $0.lot) })
        entry?.trace = facts
        return facts
    }

    /// The lot numbered `n` (``lot(_:from:)`` by number: no hashing of its id when held).
    func lot(number n: Int, from source: any ProvenanceSource) throws -> LotEntry? {
        if let known = entryOfNumber[n] { return known }
        return try lot(idOfNumber[n], from: source)
    }

    /// The lines of the transformation whose output row `origin` made `entry`, with its
    /// inputs' numbers and uses, kept on the entry (a closure walks them without hashing a line
    /// or a lot id).
    func making(of entry: LotEntry, madeBy origin: LotLink, from source: any ProvenanceSource) throws -> Making {
        let index = origin.leafIndex
        if let known = entry.making, known.index == index { return known }
        let (inputs, outputs) = try transformLines(at: index, from: source)
        let use = LotClosure.Use(party: origin.actor, index: index)
        let made = Making(index: index, inputs: inputs, outputs: outputs, inputNumbers: inputs.map { number(of: $0.lot) },
                          uses: Array(repeating: use, count: inputs.count))
        entry.making = made
        return made
    }

    /// Starts marking the lots of a new closure (``closureSlot(of:)``, ``mark(_:slot:)``): the
    /// marks of earlier closures no longer count. One closure at a time per cache.
    func beginClosure() { closureMarks.begin(count: idOfNumber.count) }

    /// The slot of lot number `n` in the closure being built, if it was taken.
    func closureSlot(of n: Int) -> Int? { closureMarks.slot(of: n) }

    /// Records that lot number `n` took `slot` in the closure being built.
    func mark(_ n: Int, slot: Int) { closureMarks.mark(n, slot: slot) }

    /// Empties the lots part when full (numbers stay).
    private func dropAllLots() {
        whole = false
        lots.removeAll(keepingCapacity: true)
        for i in entryOfNumber.indices { entryOfNumber[i] = nil }
    }

    public init(treeSize: UInt64 = .max, capacity: Int = 500_000) {
        self.treeSize = treeSize
        self.capacity = capacity
    }

    /// A lot's record and its story's index rows (``ProvenanceSource/lotAndStory(_:)``) below the
    /// tree size, in ledger order; nil if unknown or made later.
    public func lot(_ id: LotID, from source: any ProvenanceSource) throws -> LotEntry? {
        if let known = lots[id] { return known }
        guard let (record, story) = try source.lotAndStory(id) else { return nil }
        let links = story.filter { $0.leafIndex < treeSize }
        guard !links.isEmpty else { return nil }  // made after this view of the ledger
        let entry = LotEntry(id: id, number: number(of: id), record: record, links: links)
        if lots.count >= capacity { dropAllLots() }
        lots[id] = entry
        entryOfNumber[entry.number] = entry
        return entry
    }

    /// A lot as a backward trace shows it. Nodes made at or after the tree size are read as
    /// unknown; a container's ingredients are those below the tree size.
    public func ingredientNode(of lot: LotID, from source: any ProvenanceSource) throws -> IngredientNode {
        if let known = nodes[lot] { return known }
        if let entry = lots[lot], entry.complete, let node = try? preloadedNode(of: entry) {
            if nodes.count >= capacity { nodes.removeAll(keepingCapacity: true) }
            nodes[lot] = node
            return node
        }
        var node = try source.ingredientNode(of: lot)
        if let step = node.step, step.index >= treeSize {
            node = IngredientNode(record: nil, step: nil, ingredients: [])
        } else if node.record?.kind == .container {
            node = IngredientNode(record: node.record, step: node.step, ingredients: try ingredientsBelowTreeSize(of: lot, from: source))
        }
        if nodes.count >= capacity { nodes.removeAll(keepingCapacity: true) }
        nodes[lot] = node
        return node
    }

    private func ingredientsBelowTreeSize(of container: LotID, from source: any ProvenanceSource) throws -> [IngredientNode.Edge] {
        var edges: [IngredientNode.Edge] = []
        for packing in try source.links(of: container, roles: [.container]) where packing.leafIndex < treeSize {
            edges += try source.lines(at: packing.leafIndex, role: .packed).map { IngredientNode.Edge(lot: $0.lot, quantity: $0.quantity) }
        }
        return edges
    }

    /// One party's receipts of a lot below the tree size.
    public func receipts(of lot: LotEntry, by party: PartyID, from source: any ProvenanceSource) throws -> [LotLink] {
        if let known = lot.receiptsByParty[party] { return known }
        if lot.complete { return [] }
        var found: [LotLink] = []
        // Each receipt comes with the shipment it took in, kept for ``shipment(receivedBy:of:from:)``.
        for (receipt, ship) in try source.receiptsWithShipments(of: lot.id, by: party) where receipt.leafIndex < treeSize {
            found.append(receipt)
            lot.shipmentByReceipt[receipt.leafIndex] = ship.flatMap { $0.leafIndex < treeSize ? $0 : nil }
        }
        lot.receiptsByParty[party] = found
        return found
    }

    /// The lot's row in the shipment a receipt of it took in, if that shipment is stored below the tree size.
    public func shipment(receivedBy receipt: LotLink, of lot: LotEntry, from source: any ProvenanceSource) throws -> LotLink? {
        if let known = lot.shipmentByReceipt[receipt.leafIndex] { return known }
        if lot.complete { return nil }
        let found = try receipt.shipment.flatMap { try source.shipment($0, of: lot.id) }.flatMap { $0.leafIndex < treeSize ? $0 : nil }
        lot.shipmentByReceipt[receipt.leafIndex] = found
        return found
    }

    /// Every shipment and receipt row of a lot below the tree size, in ledger order.
    public func custody(of lot: LotEntry, from source: any ProvenanceSource) throws -> [LotLink] {
        if let known = lot.custody { return known }
        let found = try source.links(of: lot.id, roles: [.shipped, .received]).filter { $0.leafIndex < treeSize }
        lot.custody = found
        return found
    }

    /// A transformation's inputs and outputs (one read for both).
    public func transformLines(at index: UInt64, from source: any ProvenanceSource) throws -> (inputs: [EventLine], outputs: [EventLine]) {
        guard index < treeSize else { return ([], []) }
        if let inputs = lines[LineKey(index: index, role: .consumed)], let outputs = lines[LineKey(index: index, role: .produced)] {
            return (inputs, outputs)
        }
        let found = try source.transformLines(at: index)
        if lines.count >= capacity { lines.removeAll(keepingCapacity: true) }
        lines[LineKey(index: index, role: .consumed)] = found.inputs
        lines[LineKey(index: index, role: .produced)] = found.outputs
        return found
    }

    /// The lot lines of one event in one role (a transformation's inputs or outputs, a packing's children).
    public func lines(at index: UInt64, role: LotLink.Role, from source: any ProvenanceSource) throws -> [EventLine] {
        guard index < treeSize else { return [] }
        let key = LineKey(index: index, role: role)
        if let known = lines[key] { return known }
        let found = try source.lines(at: index, role: role)
        if lines.count >= capacity { lines.removeAll(keepingCapacity: true) }
        lines[key] = found
        return found
    }

    /// Every index row of one event (what a packing needs to name its container).
    public func links(at index: UInt64, from source: any ProvenanceSource) throws -> [LotLink] {
        guard index < treeSize else { return [] }
        if let known = rows[index] { return known }
        let found = try source.links(at: index)
        if rows.count >= capacity { rows.removeAll(keepingCapacity: true) }
        rows[index] = found
        return found
    }

    public func event(at index: UInt64, from source: any ProvenanceSource) throws -> ClosureEvent {
        if let e = events[index] { return e }
        eventReads += 1
        guard let stored = try source.event(at: index) else { throw LedgerError.corrupt("the index names event \(index), which is not stored") }
        let e = try Self.closureEvent(stored)
        if events.count >= capacity { events.removeAll(keepingCapacity: true) }
        events[index] = e
        return e
    }

    private static func closureEvent(_ stored: StoredEvent) throws -> ClosureEvent {
        let admitted: AdmittedEvent
        do {
            admitted = try AdmittedEvent(leafBytes: stored.leafBytes, type: stored.type)
        } catch {
            throw LedgerError.corrupt("event \(stored.id) does not parse: \(error)")
        }
        return ClosureEvent(stored: StoredEvent(index: stored.index, id: stored.id, block: stored.block, type: stored.type,
                                                actor: stored.actor, time: stored.time, leafBytes: []),
                            keyID: admitted.keyID, body: admitted.body)
    }

    // MARK: Preloading (a node)

    /// Every lot entry held (for work over all of them, as ``LedgerEvidence/prepare()`` does).
    var entries: Dictionary<LotID, LotEntry>.Values { lots.values }

    /// What ``preload(from:)`` loaded.
    public struct Preload: Sendable {
        public let lots: Int
        public let rows: Int
        public let events: Int
        /// False when the capacity was reached first: the rest is read on demand.
        public let complete: Bool
    }

    /// Loads every lot below the tree size with all its rows, every transformation's and
    /// packing's lines, and the inspections, incidents and recalls, in one pass over the lots
    /// and the provenance index: afterwards queries read nothing from `source` (as far as the
    /// capacity allows). What a node does at start, so that even a lot's first trace or
    /// assessment is answered from memory. Call it on a fresh cache.
    @discardableResult
    public func preload(from source: any AssessmentSource) throws -> Preload {
        var lineSets: [LineKey: [EventLine]] = [:]
        var packingRows: [UInt64: [LotLink]] = [:]
        var rowCount = 0
        var full = false
        try source.everyLot { id, record, all in
            guard !full else { return }
            guard lots.count < capacity, lineSets.count < capacity else { full = true; return }
            let rows = all.filter { $0.leafIndex < treeSize }
            rowCount += rows.count
            var story: [LotLink] = [], custody: [LotLink] = []
            for row in rows {
                switch row.role {
                case .shipped, .received: custody.append(row)
                case .consumed: break
                default: story.append(row)
                }
                switch row.role {
                case .consumed, .produced, .packed:
                    lineSets[LineKey(index: row.leafIndex, role: row.role), default: []].append(EventLine(lot: id, role: row.role, quantity: row.quantity))
                default: break
                }
                // The rows of packings and unpackings (``links(at:from:)`` names their containers).
                if row.role == .container || row.role == .packed || row.role == .unpacked { packingRows[row.leafIndex, default: []].append(row) }
            }
            guard !story.isEmpty else { return }  // made at or after the tree size
            lots[id] = completeEntry(id, record: record, story: story, custody: custody)
        }
        // Lines and packing rows gather the rows of many lots: only whole when every lot was read.
        // (Stopped at the capacity, the loaded lots are whole; their events' lines are read on demand.)
        if !full {
            for (key, found) in lineSets where lines[key] == nil { lines[key] = found }
            // A transformation with no stored output (or input) still answers from memory.
            for key in lineSets.keys where key.role == .consumed || key.role == .produced {
                let other = LineKey(index: key.index, role: key.role == .consumed ? .produced : .consumed)
                if lines[other] == nil { lines[other] = [] }
            }
            for (index, found) in packingRows where rows[index] == nil { rows[index] = found }
            // What a lot's first trace or closure would otherwise work out, worked out now
            // (it depends only on the ledger below the tree size): its trace node and the
            // lines of the transformation that made it, with its ingredients' numbers.
            for entry in lots.values {
                let node = try preloadedNode(of: entry)
                entry.trace = TraceFacts(node: node, ingredients: node.ingredients.map { number(of: $0.lot) })
                if entry.producedOrigin, let origin = entry.origin { _ = try making(of: entry, madeBy: origin, from: source) }
            }
        }
        var eventCount = 0
        for stored in try source.events(ofTypes: [.lotInspect, .lotIncident, .lotRecall]) where stored.index < treeSize {
            guard events.count < capacity else { full = true; break }
            events[stored.index] = try Self.closureEvent(stored)
            eventCount += 1
        }
        whole = !full
        return Preload(lots: lots.count, rows: rowCount, events: eventCount, complete: !full)
    }

    /// An entry holding all of a lot's rows below the tree size (its story, and its custody
    /// rows with each receipt's shipment), marked complete: a party missing from its receipts
    /// received none. Registered under the lot's number (the caller puts it in ``lots``).
    func completeEntry(_ id: LotID, record: LotRecord, story: [LotLink], custody: [LotLink]) -> LotEntry {
        let entry = LotEntry(id: id, number: number(of: id), record: record, links: story)
        entryOfNumber[entry.number] = entry
        entry.custody = custody
        var shipsByID: [EventID: LotLink] = [:]
        for row in custody where row.role == .shipped { shipsByID[row.event.id] = row }
        for row in custody where row.role == .received {
            entry.receiptsByParty[row.actor, default: []].append(row)
            entry.shipmentByReceipt[row.leafIndex] = row.shipment.flatMap { shipsByID[$0] }
        }
        entry.complete = true
        return entry
    }

    /// A backward trace's node for a preloaded lot: its first making row, and the lines of that
    /// transformation, or of every packing into it (a container), from memory.
    func preloadedNode(of entry: LotEntry) throws -> IngredientNode {
        let making = entry.links.filter { $0.role == .created || $0.role == .produced || $0.role == .container }
        guard let origin = making.first else { return IngredientNode(record: entry.record, step: nil, ingredients: []) }
        var edges: [IngredientNode.Edge] = []
        switch origin.role {
        case .produced:
            guard let inputs = lines[LineKey(index: origin.leafIndex, role: .consumed)] else { throw LedgerError.corrupt("no lines at \(origin.leafIndex)") }
            edges = inputs.map { IngredientNode.Edge(lot: $0.lot, quantity: $0.quantity) }
        case .container:
            for packing in making where packing.role == .container && packing.event.type == .lotAggregate {
                guard let children = lines[LineKey(index: packing.leafIndex, role: .packed)] else { throw LedgerError.corrupt("no lines at \(packing.leafIndex)") }
                edges += children.map { IngredientNode.Edge(lot: $0.lot, quantity: $0.quantity) }
            }
        default:
            break
        }
        return IngredientNode(record: entry.record, step: TraceStep(origin), ingredients: edges)
    }
}
