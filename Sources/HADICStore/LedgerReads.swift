import Foundation
import GRDB
import HADICCore
import HADICLedger

/// The provenance and assessment reads on one open SQLite connection, with prepared statements
/// reused across calls. Inside ``SQLiteLedgerStore/consistentReads(_:)`` every read of a query
/// sees one snapshot of the ledger and costs one statement step, not a transaction.
struct LedgerReads: AssessmentSource {
    let db: Database

    // Fixed SQL (built once: the statement cache is keyed by the text).
    /// A receipt (columns 0-14) and the shipment row it took in (15-29, null if none). The
    /// receipts index is named: without statistics SQLite would rather scan the lot's rows.
    private static let receiptsWithShipmentsSQL = """
        SELECT \(LotEventRows.columns(LotEventRows.columns, of: "r")), \(LotEventRows.columns(LotEventRows.columns, of: "s"))
        FROM lot_events r INDEXED BY lot_events_receipts
        LEFT JOIN events e ON e.id = r.shipment
        LEFT JOIN lot_events s ON s.lot = r.lot AND s.leaf_index = e.leaf_index AND s.role = 'shipped'
        WHERE r.lot = ? AND r.actor = ? AND r.role = 'received' ORDER BY r.leaf_index
        """
    private static let transformSQL = """
        SELECT lot, amount, unit, role FROM lot_events
        WHERE leaf_index = ? AND \(LotEventRows.stepRoles) AND role IN ('consumed', 'produced') ORDER BY role, lot
        """
    private static let shipmentSQL = """
        SELECT \(LotEventRows.columns) FROM lot_events
        WHERE lot = ? AND leaf_index = (SELECT leaf_index FROM events WHERE id = ?) AND role = 'shipped'
        """
    /// A lot's record (the columns of `lots` in table order, 0 to 7), each making row (8 to 13)
    /// and its ingredient lines (14 to 16), for ``ingredientNode(of:)``.
    private static let graphSQL = """
        SELECT l.id, l.kind, l.product, l.class, l.dimension, l.creator, l.created_by, l.recalled_by,
               o.leaf_index, o.role, o.event_id, o.type, o.actor, o.time, c.lot, c.amount, c.unit
        FROM lots l
        LEFT JOIN lot_events o ON o.lot = l.id AND o.\(LotEventRows.storyRoles) AND o.role IN ('created', 'produced', 'container')
        LEFT JOIN lot_events c ON c.leaf_index = o.leaf_index AND c.\(LotEventRows.stepRoles)
            AND c.role = CASE o.role WHEN 'produced' THEN 'consumed' WHEN 'container' THEN 'packed' END
        WHERE l.id = ?
        ORDER BY o.leaf_index, c.lot
        """
    /// The columns of `lots` in table order (0 to 7), then a story row (8 on, as ``LotEventRows/storyColumns``).
    private static let lotAndStorySQL = """
        SELECT l.id, l.kind, l.product, l.class, l.dimension, l.creator, l.created_by, l.recalled_by,
               \(LotEventRows.columns(LotEventRows.storyColumns, of: "e"))
        FROM lots l LEFT JOIN lot_events e ON e.lot = l.id AND e.\(LotEventRows.storyRoles)
        WHERE l.id = ? ORDER BY e.leaf_index, e.role
        """
    /// Every lot's record (0 to 7) with each of its rows (8 on, as ``LotEventRows/columns``):
    /// the lots' key in order, and each lot's rows by the index's key, so SQLite sorts nothing.
    private static let everyLotSQL = """
        SELECT l.id, l.kind, l.product, l.class, l.dimension, l.creator, l.created_by, l.recalled_by,
               \(LotEventRows.columns(LotEventRows.columns, of: "e"))
        FROM lots l JOIN lot_events e ON e.lot = l.id
        ORDER BY l.id, e.leaf_index, e.role
        """
    private static let atSQL = "SELECT \(LotEventRows.columns) FROM lot_events WHERE leaf_index = ? ORDER BY lot, role"
    private static let linesSQL: [LotLink.Role: String] = Dictionary(uniqueKeysWithValues: [LotLink.Role.consumed, .packed, .produced].map {
        ($0, "SELECT lot, amount, unit FROM lot_events WHERE leaf_index = ? AND \(LotEventRows.stepRoles) AND role = '\($0.rawValue)' ORDER BY lot")
    })

    func links(of lot: LotID) throws -> [LotLink] {
        try links(of: lot, roles: Set(LotLink.Role.allCases))
    }

    /// Rows of a lot in some roles, without re-validating the lot id of each row.
    ///
    /// Roles are written into the SQL, never bound: compared with the partial indexes' roles, a
    /// bound role would make SQLite recompile the statement at every new binding.
    func links(of lot: LotID, roles: Set<LotLink.Role>) throws -> [LotLink] {
        let query = try RawQuery(db, sql: "SELECT \(LotEventRows.columns) FROM lot_events WHERE lot = ? AND role IN (\(LotEventRows.literal(roles))) ORDER BY leaf_index, role")
        var out: [LotLink] = []
        try query.forEach([.text(lot.rawValue)]) { out.append(try LotEventRows.link($0, lot: lot)) }
        return out
    }

    /// The lot's row joined with its story rows through the `lot_events_story` covering index.
    func lotAndStory(_ lot: LotID) throws -> (record: LotRecord, story: [LotLink])? {
        var record: LotRecord?
        var story: [LotLink] = []
        try RawQuery(db, sql: Self.lotAndStorySQL).forEach([.text(lot.rawValue)]) { row in
            if record == nil { record = try DerivedRows.lot(row, id: lot) }
            if !row.isNull(9) { story.append(try LotEventRows.storyLink(row, lot: lot, from: 8)) }
        }
        return record.map { ($0, story) }
    }

    /// Each receipt joined with the shipment row it took in (through the events' id index).
    func receiptsWithShipments(of lot: LotID, by party: PartyID) throws -> [(receipt: LotLink, ship: LotLink?)] {
        var out: [(LotLink, LotLink?)] = []
        try RawQuery(db, sql: Self.receiptsWithShipmentsSQL).forEach([.text(lot.rawValue), .text(party.rawValue)]) { row in
            let receipt = try LotEventRows.link(row, lot: lot)
            out.append((receipt, row.isNull(15) ? nil : try LotEventRows.link(row, lot: lot, from: 15)))
        }
        return out
    }

    /// Inputs and outputs in one search of the `lot_events_steps` covering index.
    func transformLines(at leafIndex: UInt64) throws -> (inputs: [EventLine], outputs: [EventLine]) {
        var inputs: [EventLine] = [], outputs: [EventLine] = []
        try RawQuery(db, sql: Self.transformSQL).forEach([.integer(Int64(clamping: leafIndex))]) { row in
            if row.text(3) == "produced" {
                outputs.append(try LotEventRows.line(row, at: leafIndex, role: .produced))
            } else {
                inputs.append(try LotEventRows.line(row, at: leafIndex, role: .consumed))
            }
        }
        return (inputs, outputs)
    }

    /// The shipment's leaf index from the events' id index, then the row by its key.
    func shipment(_ id: EventID, of lot: LotID) throws -> LotLink? {
        var found: LotLink?
        try RawQuery(db, sql: Self.shipmentSQL).forEach([.text(lot.rawValue), .blob(id.bytes)]) { found = try LotEventRows.link($0, lot: lot) }
        return found
    }

    /// The lot lines of one event in one role, in lot order, through the `lot_events_steps`
    /// covering index (consumed, packed and produced rows only).
    func lines(at leafIndex: UInt64, role: LotLink.Role) throws -> [EventLine] {
        guard let sql = Self.linesSQL[role] else {
            return try links(at: leafIndex).filter { $0.role == role }.map { EventLine(lot: $0.lot, role: role, quantity: $0.quantity) }
        }
        var out: [EventLine] = []
        try RawQuery(db, sql: sql).forEach([.integer(Int64(clamping: leafIndex))]) {
            out.append(try LotEventRows.line($0, at: leafIndex, role: role))
        }
        return out
    }

    /// One query: the lot's record, its making rows and their ingredient lines, joined inside
    /// SQLite over the lots' key and the `lot_events_story` and `lot_events_steps` covering indexes.
    func ingredientNode(of lot: LotID) throws -> IngredientNode {
        var record: LotRecord?
        var step: TraceStep?
        var originRole: LotLink.Role?
        var edges: [IngredientNode.Edge] = []
        try RawQuery(db, sql: Self.graphSQL).forEach([.text(lot.rawValue)]) { row in
            if record == nil { record = try DerivedRows.lot(row, id: lot) }
            guard !row.isNull(8) else { return }
            let index = row.strictInteger(8) ?? -1
            guard let leafIndex = UInt64(exactly: index), let role = row.text(9).flatMap(LotLink.Role.init(rawValue:)),
                  let id = row.blob(10).flatMap(EventID.init(bytes:)), let type = row.text(11).flatMap(EventType.init(rawValue:)),
                  let actor = row.text(12).flatMap(PartyID.init), let time = row.text(13).flatMap(Timestamp.init) else {
                throw StoreError.corruptRow(table: "lot_events", key: "\(lot) @\(index)", problem: "bad making row")
            }
            if originRole == nil {
                originRole = role
                step = TraceStep(eventID: id, index: leafIndex, type: type, actor: actor, time: time)
            }
            // A transformation's inputs; for a container, what every packing put in it.
            guard role == originRole, role != .created, let text = row.text(14) else { return }
            guard let input = LotID(text) else { throw StoreError.corruptRow(table: "lot_events", key: "\(text) @\(index)", problem: "bad lot") }
            edges.append(.init(lot: input, quantity: try LotEventRows.quantity(row, at: 15, key: "\(text) @\(index)",
                                                                            role: role == .container ? .packed : .consumed)))
        }
        return IngredientNode(record: record, step: step, ingredients: edges)
    }

    /// One pass over the lots and the provenance index: each lot with all its rows.
    func everyLot(_ body: (LotID, LotRecord, [LotLink]) throws -> Void) throws {
        var current: (id: LotID, record: LotRecord)?
        var rows: [LotLink] = []
        try RawQuery(db, sql: Self.everyLotSQL).forEach([]) { row in
            let text = row.text(0) ?? ""
            if current?.id.rawValue != text {
                if let done = current { try body(done.id, done.record, rows) }
                guard let id = LotID(text) else { throw StoreError.corruptRow(table: "lots", key: text, problem: "bad id") }
                current = (id, try DerivedRows.lot(row, id: id))
                rows = []
            }
            if let lot = current?.id { rows.append(try LotEventRows.link(row, lot: lot, from: 8)) }
        }
        if let done = current { try body(done.id, done.record, rows) }
    }

    func links(at leafIndex: UInt64) throws -> [LotLink] {
        var out: [LotLink] = []
        try RawQuery(db, sql: Self.atSQL).forEach([.integer(Int64(clamping: leafIndex))]) { out.append(try LotEventRows.link($0)) }
        return out
    }

    func event(at index: UInt64) throws -> StoredEvent? {
        let s = try db.cachedStatement(sql: "SELECT * FROM events WHERE leaf_index = ?")
        return try Row.fetchOne(s, arguments: [Int64(clamping: index)]).map(SQLiteLedgerStore.storedEvent)
    }

    func event(id: EventID) throws -> StoredEvent? {
        let s = try db.cachedStatement(sql: "SELECT * FROM events WHERE id = ?")
        return try Row.fetchOne(s, arguments: [Data(id.bytes)]).map(SQLiteLedgerStore.storedEvent)
    }

    func lot(_ id: LotID) throws -> LotRecord? {
        var found: LotRecord?
        try RawQuery(db, sql: "SELECT * FROM lots WHERE id = ?").forEach([.text(id.rawValue)]) { found = try DerivedRows.lot($0, id: id) }
        return found
    }

    func eventCarrying(epcisHash: String) throws -> (event: EventID, leafIndex: UInt64)? {
        var found: (EventID, UInt64)?
        try RawQuery(db, sql: "SELECT event_id, leaf_index FROM epcis_event_hashes WHERE hash = ?").forEach([.text(epcisHash)]) { row in
            guard let id = row.text(0).flatMap({ EventID(hex: $0) }), let index = UInt64(exactly: row.integer(1)) else {
                throw StoreError.corruptRow(table: "epcis_event_hashes", key: epcisHash, problem: "bad event id or leaf index")
            }
            found = (id, index)
        }
        return found
    }

    /// Through the `events_by_type` index.
    func events(ofTypes types: [EventType]) throws -> [StoredEvent] {
        let marks = types.map { _ in "?" }.joined(separator: ", ")
        return try Row.fetchAll(db, sql: "SELECT * FROM events WHERE type IN (\(marks)) ORDER BY leaf_index",
                                arguments: StatementArguments(types.map(\.rawValue))).map(SQLiteLedgerStore.storedEvent)
    }

    /// Through the `lots_by_class` index; containers excluded.
    func lots(ofClasses classes: [String]) throws -> [LotID] {
        guard !classes.isEmpty else { return [] }
        let marks = classes.map { _ in "?" }.joined(separator: ", ")
        return try String.fetchAll(db, sql: "SELECT id FROM lots WHERE class IN (\(marks)) AND kind = 'lot' ORDER BY id",
                                   arguments: StatementArguments(classes)).map { text in
            guard let id = LotID(text) else { throw StoreError.corruptRow(table: "lots", key: text, problem: "bad id") }
            return id
        }
    }

    func party(_ id: PartyID) throws -> PartyRecord? {
        let s = try db.cachedStatement(sql: "SELECT * FROM parties WHERE id = ?")
        return try Row.fetchOne(s, arguments: [id.rawValue]).map { try DerivedRows.party($0).1 }
    }

    func key(_ keyID: String) throws -> KeyRecord? {
        let s = try db.cachedStatement(sql: "SELECT * FROM party_keys WHERE key_id = ?")
        return try Row.fetchOne(s, arguments: [keyID]).map { try DerivedRows.key($0).1 }
    }

    func treeSize() throws -> UInt64 {
        UInt64(try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM events") ?? 0)
    }

    func consistentReads<T>(_ body: (any AssessmentSource) throws -> T) throws -> T { try body(self) }
}
