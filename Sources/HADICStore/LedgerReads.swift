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
        let s = try db.cachedStatement(sql: "SELECT lot, leaf_index, role, amount, unit FROM lot_events WHERE lot = ? ORDER BY leaf_index, role")
        return try Row.fetchAll(s, arguments: [lot.rawValue]).map(SQLiteLedgerStore.lotLink)
    }

    /// Rows of a lot in some roles, without re-validating the lot id of each row.
    func links(of lot: LotID, roles: Set<LotLink.Role>) throws -> [LotLink] {
        let marks = roles.map { _ in "?" }.joined(separator: ", ")
        let s = try db.cachedStatement(sql: "SELECT leaf_index, role, amount, unit FROM lot_events WHERE lot = ? AND role IN (\(marks)) ORDER BY leaf_index, role")
        let args = StatementArguments([lot.rawValue] + roles.map(\.rawValue).sorted())
        return try Row.fetchAll(s, arguments: args).map { row in
            let index: Int64 = try row.decode(forColumn: "leaf_index")
            let roleText: String = try row.decode(forColumn: "role")
            guard let leafIndex = UInt64(exactly: index), let role = LotLink.Role(rawValue: roleText) else {
                throw StoreError.corruptRow(table: "lot_events", key: "\(lot) @\(index)", problem: "bad index or role")
            }
            return LotLink(lot: lot, leafIndex: leafIndex, role: role,
                           quantity: try SQLiteLedgerStore.linkQuantity(row, key: "\(lot) @\(index)"))
        }
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
