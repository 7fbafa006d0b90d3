import Foundation
import GRDB
import HADICCore
import HADICCrypto
import HADICLedger

/// The ledger in one SQLite file (`DIR/ledger.sqlite`), through GRDB.
///
/// WAL mode with `synchronous = FULL`: a committed block survives power loss, which is what
/// "acknowledged means durable" needs (GRDB's default for WAL would be NORMAL). One
/// transaction per block. Writers must hold the directory's ``DataDirectoryLock``.
public final class SQLiteLedgerStore: LedgerStore, AssessmentSource {
    public let path: String
    /// Where reads go: the writer's connection, a read-only connection, or a snapshot.
    let db: any DatabaseReader
    /// The connection that writes; nil for read-only stores and snapshots.
    private let writer: DatabaseQueue?
    var writerQueue: DatabaseQueue? { writer }
    /// Keeps a snapshot's pool open.
    private let pool: DatabasePool?

    public init(path: String, readOnly: Bool = false) throws {
        self.path = path
        pool = nil
        do {
            let queue = try DatabaseQueue(path: path, configuration: SQLiteLedgerStore.configuration(readOnly: readOnly))
            db = queue
            if readOnly {
                writer = nil
                guard try queue.read({ try $0.tableExists("blocks") }) else {
                    throw StoreError.notADataDirectory("\(path) has no ledger tables")
                }
                // Readers never migrate: a file an older hadic wrote lacks tables or columns
                // the queries need, which must read as "upgrade", not as damage.
                let applied = Set(try queue.read { try Schema.migrator.appliedIdentifiers($0) })
                let missing = Schema.migrator.migrations.filter { !applied.contains($0) }
                guard missing.isEmpty else { throw StoreError.needsUpgrade(path: path, missing: missing) }
            } else {
                writer = queue
                // After GRDB's own WAL set-up, which sets NORMAL: FULL makes a commit durable on power loss.
                try queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
                try Schema.migrator.migrate(queue)
            }
        } catch let e as StoreError {
            throw e
        } catch {
            throw StoreError.sqlite("\(path): \(error)")
        }
    }

    /// A read-only view of one moment of the file: every read sees the same committed blocks,
    /// whatever a writer appends meanwhile (an open read transaction on a WAL database).
    private init(snapshotOf path: String) throws {
        self.path = path
        writer = nil
        do {
            let pool = try DatabasePool(path: path, configuration: SQLiteLedgerStore.configuration(readOnly: true))
            self.pool = pool
            db = try pool.makeSnapshot()
        } catch {
            throw StoreError.sqlite("\(path): \(error)")
        }
    }

    public func snapshot() throws -> any LedgerStore {
        try SQLiteLedgerStore(snapshotOf: path)
    }

    /// WAL pages written between automatic checkpoints on the writing connection.
    static let walCheckpointPages = 10_000

    private static func configuration(readOnly: Bool) -> Configuration {
        var config = Configuration()
        config.readonly = readOnly
        config.journalMode = .wal
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            // REPLACE deletes the row it replaces; with recursive triggers that delete fires the
            // append-only triggers too, so REPLACE cannot rewrite a ledger row.
            try db.execute(sql: "PRAGMA recursive_triggers = ON")
            if readOnly {
                // Queries hop between index and table pages all over the file: map it (no read
                // syscall per page; SQLite caps the size at its build limit) and cache 64 MiB.
                try db.execute(sql: "PRAGMA mmap_size = 17179869184")
                try db.execute(sql: "PRAGMA cache_size = -65536")
            } else {
                // Every block inserts into indexes keyed by random event ids and lot ids: a
                // 64 MiB page cache keeps their inner pages in memory as the file grows.
                try db.execute(sql: "PRAGMA cache_size = -65536")
                // Every block rewrites hundreds of the same index pages (the event-id index is
                // keyed by hashes, so each insert lands on a random page). Checkpointing every
                // 10,000 WAL pages (40 MiB) instead of SQLite's 1,000 copies each hot page into
                // the database once per ten blocks, not once per block: a fifth fewer bytes
                // written during ingest (docs/PERFORMANCE.md, "The node").
                try db.execute(sql: "PRAGMA wal_autocheckpoint = \(walCheckpointPages)")
            }
        }
        return config
    }

    private func writable() throws -> DatabaseQueue {
        guard let writer else { throw StoreError.sqlite("\(path) is open read-only") }
        return writer
    }

    /// The effective `PRAGMA synchronous` (2 = FULL), for tests of durability settings.
    public func synchronousSetting() throws -> Int {
        try db.read { try Int.fetchOne($0, sql: "PRAGMA synchronous") ?? -1 }
    }

    public func journalMode() throws -> String {
        try db.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") ?? "" }
    }

    // MARK: Blocks and events

    public func block(at height: UInt64) throws -> SealedBlock? {
        try db.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT height, hash, header, signature, checkpoint FROM blocks WHERE height = ?", arguments: [Int64(clamping: height)]) else { return nil }
            return try Self.sealedBlock(row)
        }
    }

    public func latestBlock() throws -> SealedBlock? {
        try db.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT height, hash, header, signature, checkpoint FROM blocks ORDER BY height DESC LIMIT 1") else { return nil }
            return try Self.sealedBlock(row)
        }
    }

    public func latestHeight() throws -> UInt64? {
        try db.read { db in
            guard let height = try Int64.fetchOne(db, sql: "SELECT MAX(height) FROM blocks") else { return nil }
            guard let h = UInt64(exactly: height) else { throw StoreError.corruptRow(table: "blocks", key: "\(height)", problem: "negative height") }
            return h
        }
    }

    /// A block row, checked against itself: the `hash` column must be the hash of `header`.
    static func sealedBlock(_ row: Row) throws -> SealedBlock {
        let height: Int64 = try row.decode(forColumn: "height")
        let headerBytes: Data = try row.decode(forColumn: "header")
        let storedHash: Data = try row.decode(forColumn: "hash")
        let signature: Data = try row.decode(forColumn: "signature")
        let header = try BlockHeader.parse([UInt8](headerBytes))
        guard [UInt8](storedHash) == header.hash else {
            throw StoreError.corruptRow(table: "blocks", key: "\(height)", problem: "hash column differs from the hash of the header")
        }
        return SealedBlock(header: header, signature: [UInt8](signature), checkpoint: try row.decode(forColumn: "checkpoint"))
    }

    public func containsEvent(_ id: EventID) throws -> Bool {
        try db.read { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM events WHERE id = ?", arguments: [Data(id.bytes)]) ?? false
        }
    }

    public func knownEvents(among ids: [EventID]) throws -> Set<EventID> {
        // Asked for every event of every block: one indexed lookup each through SQLite's C API.
        try db.read { db in
            let query = try RawQuery(db, sql: "SELECT 1 FROM events WHERE id = ?")
            var known = Set<EventID>()
            for id in ids {
                try query.forEach([.blob(id.bytes)]) { _ in known.insert(id) }
            }
            return known
        }
    }

    public func event(id: EventID) throws -> StoredEvent? { try db.read { try LedgerReads(db: $0).event(id: id) } }
    public func event(at index: UInt64) throws -> StoredEvent? { try db.read { try LedgerReads(db: $0).event(at: index) } }

    public func events(in range: Range<UInt64>) throws -> [StoredEvent] {
        try db.read { db in
            // Through SQLite's C API: an audit and a replica's catch-up read every event, and GRDB's
            // row objects cost more than SQLite's read there.
            var events: [StoredEvent] = []
            events.reserveCapacity(Int(clamping: range.count))
            try RawQuery(db, sql: "SELECT * FROM events WHERE leaf_index >= ? AND leaf_index < ? ORDER BY leaf_index")
                .forEach([.integer(Int64(clamping: range.lowerBound)), .integer(Int64(clamping: range.upperBound))]) { row in
                    events.append(try Self.storedEvent(row))
                }
            return events
        }
    }

    public func leaves(in range: Range<UInt64>) throws -> [[UInt8]] {
        try db.read { db in
            try Data.fetchAll(db, sql: "SELECT leaf FROM events WHERE leaf_index >= ? AND leaf_index < ? ORDER BY leaf_index",
                              arguments: [Int64(clamping: range.lowerBound), Int64(clamping: range.upperBound)]).map { [UInt8]($0) }
        }
    }

    public func eventCount() throws -> UInt64 {
        try db.read { UInt64(try Int64.fetchOne($0, sql: "SELECT COUNT(*) FROM events") ?? 0) }
    }

    /// An `events` row from `SELECT *` (or the same columns in table order: leaf_index, id,
    /// block, type, actor, time, leaf), read by position.
    static func storedEvent(_ row: Row) throws -> StoredEvent {
        let index: Int64 = try row.decode(atIndex: 0)
        let idData: Data = try row.decode(atIndex: 1)
        let block: Int64 = try row.decode(atIndex: 2)
        let leaf: Data = try row.decode(atIndex: 6)
        return try storedEvent(index: index, id: [UInt8](idData), block: block, type: try row.decode(atIndex: 3), actor: try row.decode(atIndex: 4),
                               time: try row.decode(atIndex: 5), leaf: [UInt8](leaf))
    }

    /// A row of `SELECT * FROM events` through a ``RawQuery``: the same checks as from a GRDB row
    /// (a null or mistyped column is a corrupt row).
    static func storedEvent(_ row: RawRow) throws -> StoredEvent {
        guard let index = row.strictInteger(0) else { throw StoreError.corruptRow(table: "events", key: row.text(0) ?? "null", problem: "leaf_index is not an integer") }
        let key = "\(index)"
        guard let id = row.blob(1), let block = row.strictInteger(2), let type = row.text(3), let actor = row.text(4), let time = row.text(5),
              let leaf = row.blob(6) else {
            throw StoreError.corruptRow(table: "events", key: key, problem: "a column is null or block is not an integer")
        }
        return try storedEvent(index: index, id: id, block: block, type: type, actor: actor, time: time, leaf: leaf)
    }

    private static func storedEvent(index: Int64, id idBytes: [UInt8], block: Int64, type typeText: String, actor actorText: String,
                                    time timeText: String, leaf: [UInt8]) throws -> StoredEvent {
        let key = "\(index)"
        guard let id = EventID(bytes: idBytes) else { throw StoreError.corruptRow(table: "events", key: key, problem: "id is not 32 bytes") }
        guard let type = EventType(rawValue: typeText) else { throw StoreError.corruptRow(table: "events", key: key, problem: "unknown type \(typeText)") }
        guard let actor = PartyID(actorText) else { throw StoreError.corruptRow(table: "events", key: key, problem: "bad actor") }
        guard let time = Timestamp(timeText) else { throw StoreError.corruptRow(table: "events", key: key, problem: "bad time") }
        guard let blockHeight = UInt64(exactly: block) else { throw StoreError.corruptRow(table: "events", key: key, problem: "negative block \(block)") }
        return StoredEvent(index: UInt64(clamping: index), id: id, block: blockHeight, type: type, actor: actor, time: time, leafBytes: leaf)
    }

    // MARK: Merkle nodes

    public func merkleNode(_ id: MerkleNodeID) throws -> [UInt8]? {
        try db.read { db in
            try Data.fetchOne(db, sql: "SELECT hash FROM merkle_nodes WHERE level = ? AND position = ?",
                              arguments: [id.level, Int64(clamping: id.index)]).map { [UInt8]($0) }
        }
    }

    public func merkleNodes(_ ids: [MerkleNodeID]) throws -> [MerkleNodeID: [UInt8]] {
        try db.read { db in
            let statement = try db.cachedStatement(sql: "SELECT hash FROM merkle_nodes WHERE level = ? AND position = ?")
            var found: [MerkleNodeID: [UInt8]] = [:]
            for id in ids where found[id] == nil {
                if let hash = try Data.fetchOne(statement, arguments: [id.level, Int64(clamping: id.index)]) { found[id] = [UInt8](hash) }
            }
            return found
        }
    }

    public func forEachMerkleNode(_ body: (MerkleNode) throws -> Void) throws {
        try db.read { db in
            let cursor = try Row.fetchCursor(db, sql: "SELECT level, position, hash FROM merkle_nodes ORDER BY level, position")
            while let row = try cursor.next() {
                let level: Int = try row.decode(atIndex: 0)
                let position: Int64 = try row.decode(atIndex: 1)
                let hash: Data = try row.decode(atIndex: 2)
                guard (0..<64).contains(level), let index = UInt64(exactly: position) else {
                    throw StoreError.corruptRow(table: "merkle_nodes", key: "level \(level) position \(position)", problem: "out of range")
                }
                try body(MerkleNode(id: MerkleNodeID(level: level, index: index), hash: [UInt8](hash)))
            }
        }
    }

    // MARK: Writing

    public func initialize(genesis: SealedBlock, state: LedgerState) throws {
        try writable().write { db in
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM blocks") == 0 else {
                throw LedgerError.alreadyInitialized("\(path) already holds a ledger")
            }
            try Self.insertBlock(genesis, db)
            try DerivedRows.write(state, touchedOnly: false, db)
        }
    }

    public func append(_ block: SealedBlock, events: [StoredEvent], nodes: [MerkleNode], state: LedgerState) throws {
        try append(blocks: [PendingBlock(block: block, events: events, nodes: nodes)], state: state)
    }

    public func append(blocks: [PendingBlock], state: LedgerState) throws {
        try writable().write { db in
            let insertEvent = try RawQuery(db, sql: "INSERT INTO events (leaf_index, id, block, type, actor, time, leaf) VALUES (?, ?, ?, ?, ?, ?, ?)")
            for b in blocks {
                try Self.insertBlock(b.block, db)
                for e in b.events {
                    try insertEvent.execute([.integer(Int64(clamping: e.index)), .blob(e.id.bytes), .integer(Int64(clamping: e.block)), .text(e.type.rawValue),
                                             .text(e.actor.rawValue), .text(e.time.text), .blob(e.leafBytes)])
                }
                try Self.insertNodes(b.nodes, db)
                try LotEventRows.insert(b.events.flatMap(\.links), db)
            }
            try DerivedRows.write(state, touchedOnly: true, db)
        }
    }

    public func replaceDerived(state: LedgerState, nodes: [MerkleNode], links: [LotLink]) throws {
        try writable().write { db in
            for table in Schema.derivedTables { try db.execute(sql: "DELETE FROM \(table)") }
            try Self.insertNodes(nodes, db)
            try LotEventRows.insert(links, db)
            try DerivedRows.write(state, touchedOnly: false, db)
        }
    }

    public func forEachLotLink(_ body: (LotLink) throws -> Void) throws {
        try db.read { db in
            try RawQuery(db, sql: "SELECT \(LotEventRows.columns) FROM lot_events ORDER BY lot, leaf_index, role").forEach([]) {
                try body(try LotEventRows.link($0))
            }
        }
    }

    /// An audit compares all of `lot_events` with its replay: a row that holds byte for byte
    /// what the expected link is written as is not decoded into a ``LotLink`` (several
    /// allocations and parses per row); any other row is, and the caller compares it as usual.
    public func forEachLotLink(beside expected: [LotLink], _ body: (LotLink?) throws -> Void) throws {
        try db.read { db in
            var position = 0
            try RawQuery(db, sql: "SELECT \(LotEventRows.columns) FROM lot_events ORDER BY lot, leaf_index, role").forEach([]) { row in
                let same = position < expected.count && LotEventRows.holds(row, expected[position])
                position += 1
                try body(same ? nil : try LotEventRows.link(row))
            }
        }
    }

    // MARK: Provenance and assessment reads (AssessmentSource), each in its own read

    public func links(of lot: LotID) throws -> [LotLink] { try db.read { try LedgerReads(db: $0).links(of: lot) } }
    public func links(at leafIndex: UInt64) throws -> [LotLink] { try db.read { try LedgerReads(db: $0).links(at: leafIndex) } }
    public func links(of lot: LotID, roles: Set<LotLink.Role>) throws -> [LotLink] {
        try db.read { try LedgerReads(db: $0).links(of: lot, roles: roles) }
    }
    public func ingredientNode(of lot: LotID) throws -> IngredientNode { try db.read { try LedgerReads(db: $0).ingredientNode(of: lot) } }
    public func lotAndStory(_ lot: LotID) throws -> (record: LotRecord, story: [LotLink])? {
        try db.read { try LedgerReads(db: $0).lotAndStory(lot) }
    }
    public func receiptsWithShipments(of lot: LotID, by party: PartyID) throws -> [(receipt: LotLink, ship: LotLink?)] {
        try db.read { try LedgerReads(db: $0).receiptsWithShipments(of: lot, by: party) }
    }
    public func transformLines(at leafIndex: UInt64) throws -> (inputs: [EventLine], outputs: [EventLine]) {
        try db.read { try LedgerReads(db: $0).transformLines(at: leafIndex) }
    }
    public func shipment(_ id: EventID, of lot: LotID) throws -> LotLink? { try db.read { try LedgerReads(db: $0).shipment(id, of: lot) } }
    public func lines(at leafIndex: UInt64, role: LotLink.Role) throws -> [EventLine] {
        try db.read { try LedgerReads(db: $0).lines(at: leafIndex, role: role) }
    }
    public func lot(_ id: LotID) throws -> LotRecord? { try db.read { try LedgerReads(db: $0).lot(id) } }
    public func events(ofTypes types: [EventType]) throws -> [StoredEvent] { try db.read { try LedgerReads(db: $0).events(ofTypes: types) } }
    public func lots(ofClasses classes: [String]) throws -> [LotID] { try db.read { try LedgerReads(db: $0).lots(ofClasses: classes) } }
    public func party(_ id: PartyID) throws -> PartyRecord? { try db.read { try LedgerReads(db: $0).party(id) } }
    public func key(_ keyID: String) throws -> KeyRecord? { try db.read { try LedgerReads(db: $0).key(keyID) } }
    public func treeSize() throws -> UInt64 { try eventCount() }
    public func eventCarrying(epcisHash: String) throws -> (event: EventID, leafIndex: UInt64)? {
        try db.read { try LedgerReads(db: $0).eventCarrying(epcisHash: epcisHash) }
    }
    public func everyLot(_ body: (LotID, LotRecord, [LotLink]) throws -> Void) throws { try db.read { try LedgerReads(db: $0).everyLot(body) } }

    /// Runs `body` with reads that share one read transaction (one snapshot of the ledger) and
    /// reuse prepared statements: what a provenance query or an assessment should use.
    public func consistentReads<T>(_ body: (any AssessmentSource) throws -> T) throws -> T {
        try db.read { try body(LedgerReads(db: $0)) }
    }

    /// Who holds how much of a lot now (derived holdings, micro base units), largest first.
    public func holdings(of lot: LotID) throws -> [(holder: PartyID, amount: Int64)] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT holder, amount FROM holdings WHERE lot = ? AND amount > 0 ORDER BY amount DESC, holder",
                             arguments: [lot.rawValue]).map { row in
                let text: String = try row.decode(forColumn: "holder")
                guard let holder = PartyID(text) else { throw StoreError.corruptRow(table: "holdings", key: lot.rawValue, problem: "bad holder") }
                return (holder, try row.decode(forColumn: "amount"))
            }
        }
    }

    /// What a party holds now, by lot.
    public func holdings(by party: PartyID) throws -> [(lot: LotID, amount: Int64)] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT lot, amount FROM holdings WHERE holder = ? AND amount > 0 ORDER BY lot",
                             arguments: [party.rawValue]).map { row in
                let text: String = try row.decode(forColumn: "lot")
                guard let lot = LotID(text) else { throw StoreError.corruptRow(table: "holdings", key: text, problem: "bad lot") }
                return (lot, try row.decode(forColumn: "amount"))
            }
        }
    }

    /// Every event that touched `lot`, in ledger order, with how it touched it (provenance index).
    public func history(of lot: LotID) throws -> [(event: StoredEvent, role: LotLink.Role)] {
        try db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT e.*, l.role AS link_role FROM lot_events l JOIN events e ON e.leaf_index = l.leaf_index
                WHERE l.lot = ? ORDER BY l.leaf_index, l.role
                """, arguments: [lot.rawValue]).map { row in
                let roleText: String = try row.decode(forColumn: "link_role")
                guard let role = LotLink.Role(rawValue: roleText) else {
                    throw StoreError.corruptRow(table: "lot_events", key: lot.rawValue, problem: "unknown role \(roleText)")
                }
                return (try Self.storedEvent(row), role)
            }
        }
    }

    /// The event imported from EPCIS with this event hash URI, if the ledger holds one: its leaf
    /// index and id, the hash algorithm's version, and the declaration that declared it erroneous.
    public func epcisEvent(hash: String) throws -> (leafIndex: UInt64, event: EventID, version: String, declaredBy: EventID?)? {
        try db.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT leaf_index, event_id, version, declared_by FROM epcis_event_hashes WHERE hash = ?",
                                             arguments: [hash]) else { return nil }
            let index: Int64 = try row.decode(atIndex: 0)
            guard let id = EventID(hex: try row.decode(atIndex: 1)), let leaf = UInt64(exactly: index) else {
                throw StoreError.corruptRow(table: "epcis_event_hashes", key: hash, problem: "bad event id or leaf index")
            }
            let declared: String? = try row.decode(atIndex: 3)
            return (leaf, id, try row.decode(atIndex: 2), declared.flatMap { EventID(hex: $0) })
        }
    }

    static func insertBlock(_ block: SealedBlock, _ db: Database) throws {
        try db.execute(sql: "INSERT INTO blocks (height, hash, header, signature, checkpoint) VALUES (?, ?, ?, ?, ?)",
                       arguments: [Int64(clamping: block.height), Data(block.header.hash), Data(block.header.canonicalBytes), Data(block.signature), block.checkpoint])
    }

    static func insertNodes(_ nodes: [MerkleNode], _ db: Database) throws {
        let insert = try RawQuery(db, sql: "INSERT INTO merkle_nodes (level, position, hash) VALUES (?, ?, ?)")
        for n in nodes {
            try insert.execute([.integer(Int64(n.id.level)), .integer(Int64(clamping: n.id.index)), .blob(n.hash)])
        }
    }

    public func loadState() throws -> LedgerState {
        try db.read { try DerivedRows.read($0) }
    }

    /// Runs raw SQL, for tests that play an attacker with write access to the file.
    public func executeUnchecked(_ sql: String) throws {
        try writable().writeWithoutTransaction { try $0.execute(sql: sql) }
    }
}
