import Foundation
import GRDB
import HADICCore
import HADICLedger

/// The provenance and assessment reads on one open SQLite connection, with prepared statements
/// reused across calls. Inside ``SQLiteLedgerStore/consistentReads(_:)`` every read of a query
/// sees one snapshot of the ledger and costs one statement step, not a transaction.
struct LedgerReads: AssessmentSource {
    let db: Database

    func links(of lot: LotID) throws -> [LotLink] {
        try links(of: lot, roles: Set(LotLink.Role.allCases))
    }

    /// Rows of a lot in some roles, without re-validating the lot id of each row.
    func links(of lot: LotID, roles: Set<LotLink.Role>) throws -> [LotLink] {
        let marks = roles.map { _ in "?" }.joined(separator: ", ")
        let s = try db.cachedStatement(sql: "SELECT leaf_index, role, amount, unit FROM lot_events WHERE lot = ? AND role IN (\(marks)) ORDER BY leaf_index, role")
        let args = StatementArguments([lot.rawValue] + roles.map(\.rawValue).sorted())
        return try Row.fetchAll(s, arguments: args).map { row in
            let index: Int64 = try row.decode(atIndex: 0)
            let roleText: String = try row.decode(atIndex: 1)
            guard let leafIndex = UInt64(exactly: index), let role = LotLink.Role(rawValue: roleText) else {
                throw StoreError.corruptRow(table: "lot_events", key: "\(lot) @\(index)", problem: "bad index or role")
            }
            return LotLink(lot: lot, leafIndex: leafIndex, role: role,
                           quantity: try SQLiteLedgerStore.linkQuantity(row, at: 2, key: "\(lot) @\(index)"))
        }
    }

    /// The ingredient graph behind `lot`: one recursive query walks the provenance index inside
    /// SQLite (a lot's making rows, then the consumed or packed rows of the same events), then
    /// two reads fetch the lots' records and the making events' columns.
    func ingredientGraph(of lot: LotID) throws -> IngredientGraph? {
        let rows = try Row.fetchAll(db, sql: """
            WITH RECURSIVE walk(lot) AS (
                SELECT ?
                UNION
                SELECT c.lot FROM walk w
                JOIN lot_events o ON o.lot = w.lot AND o.role IN ('created', 'produced', 'container')
                JOIN lot_events c ON c.leaf_index = o.leaf_index AND c.role IN ('consumed', 'packed')
            )
            SELECT o.lot, o.leaf_index, c.lot, c.amount, c.unit
            FROM walk w
            JOIN lot_events o ON o.lot = w.lot AND o.role IN ('created', 'produced', 'container')
            LEFT JOIN lot_events c ON c.leaf_index = o.leaf_index AND c.role IN ('consumed', 'packed')
            ORDER BY o.lot, o.leaf_index, c.lot
            """, arguments: [lot.rawValue])
        var graph = IngredientGraph()
        var lotsByText: [String: LotID] = [:]
        func lotID(_ text: String) throws -> LotID {
            if let id = lotsByText[text] { return id }
            guard let id = LotID(text) else { throw StoreError.corruptRow(table: "lot_events", key: text, problem: "bad lot") }
            lotsByText[text] = id
            return id
        }
        var originIndex: [LotID: Int64] = [:]
        for row in rows {
            let parent = try lotID(try row.decode(atIndex: 0))
            let index: Int64 = try row.decode(atIndex: 1)
            if originIndex[parent] == nil { originIndex[parent] = index }
            guard let childText: String = try row.decode(atIndex: 2) else { continue }
            let edge = IngredientGraph.Edge(lot: try lotID(childText),
                                            quantity: try SQLiteLedgerStore.linkQuantity(row, at: 3, key: "\(childText) @\(index)"))
            graph.ingredients[parent, default: []].append(edge)
        }
        let ids = Array(Set(lotsByText.values).union([lot]))
        for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
            let marks = chunk.map { _ in "?" }.joined(separator: ", ")
            for row in try Row.fetchAll(db, sql: "SELECT * FROM lots WHERE id IN (\(marks))", arguments: StatementArguments(chunk.map(\.rawValue))) {
                let (id, record) = try DerivedRows.lot(row)
                graph.records[id] = record
            }
        }
        var owners: [Int64: [LotID]] = [:]  // outputs of one transformation share its event
        for (owner, index) in originIndex { owners[index, default: []].append(owner) }
        let indexes = Array(owners.keys)
        for chunk in stride(from: 0, to: indexes.count, by: 500).map({ Array(indexes[$0..<min($0 + 500, indexes.count)]) }) {
            let marks = chunk.map { _ in "?" }.joined(separator: ", ")
            for row in try Row.fetchAll(db, sql: "SELECT leaf_index, id, block, type, actor, time, X'' AS leaf FROM events WHERE leaf_index IN (\(marks))",
                                        arguments: StatementArguments(chunk)) {
                let e = try SQLiteLedgerStore.storedEvent(row)
                for owner in owners[Int64(e.index)] ?? [] { graph.origins[owner] = e }
            }
        }
        return graph
    }

    /// An event's stored columns without its leaf bytes (what a trace step shows).
    func eventHeader(at index: UInt64) throws -> StoredEvent? {
        let s = try db.cachedStatement(sql: "SELECT leaf_index, id, block, type, actor, time, X'' AS leaf FROM events WHERE leaf_index = ?")
        return try Row.fetchOne(s, arguments: [Int64(clamping: index)]).map(SQLiteLedgerStore.storedEvent)
    }

    func links(at leafIndex: UInt64) throws -> [LotLink] {
        let s = try db.cachedStatement(sql: "SELECT lot, leaf_index, role, amount, unit FROM lot_events WHERE leaf_index = ? ORDER BY lot, role")
        return try Row.fetchAll(s, arguments: [Int64(clamping: leafIndex)]).map(SQLiteLedgerStore.lotLink)
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
        let s = try db.cachedStatement(sql: "SELECT * FROM lots WHERE id = ?")
        return try Row.fetchOne(s, arguments: [id.rawValue]).map { try DerivedRows.lot($0).1 }
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
