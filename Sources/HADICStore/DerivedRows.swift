import Foundation
import GRDB
import HADICCore
import HADICCrypto

/// Maps ``LedgerState`` to and from the derived tables, with statement arguments (no record
/// types: this runs for every block).
enum DerivedRows {
    static func write(_ s: LedgerState, touchedOnly: Bool, _ db: Database) throws {
        let t = s.touched
        let parties = touchedOnly ? Array(t.parties) : Array(s.parties.keys)
        let stmtParty = try db.cachedStatement(sql: "INSERT OR REPLACE INTO parties (id, role, name, registered_by, revoked_by) VALUES (?, ?, ?, ?, ?)")
        for id in parties {
            guard let p = s.parties[id] else { continue }
            try stmtParty.execute(arguments: [id.rawValue, p.role.rawValue, p.name, p.registeredBy?.hex, p.revokedBy?.hex])
        }
        let stmtKey = try db.cachedStatement(sql: "INSERT OR REPLACE INTO party_keys (key_id, party, spki, added_by, retired_by) VALUES (?, ?, ?, ?, ?)")
        for id in touchedOnly ? Array(t.keys) : Array(s.keys.keys) {
            guard let k = s.keys[id] else { continue }
            try stmtKey.execute(arguments: [id, k.party.rawValue, Data(k.publicKey.spkiDER), k.addedBy?.hex, k.retiredBy?.hex])
        }
        // Lots and holdings change with nearly every event: bound through SQLite's C API.
        let stmtLot = try RawQuery(db, sql: "INSERT OR REPLACE INTO lots (id, kind, product, class, dimension, creator, created_by, recalled_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        for id in touchedOnly ? Array(t.lots) : Array(s.lots.keys) {
            guard let l = s.lots[id] else { continue }
            try stmtLot.execute([.text(id.rawValue), .text(l.kind.rawValue), .text(l.product), .text(l.materialClass), .text(l.dimension.rawValue),
                                 .text(l.creator.rawValue), .text(l.createdBy.hex), .text(l.recalledBy?.hex)])
        }
        let stmtHolding = try RawQuery(db, sql: "INSERT OR REPLACE INTO holdings (lot, holder, amount) VALUES (?, ?, ?)")
        for k in touchedOnly ? Array(t.holdings) : Array(s.holdings.keys) {
            guard let v = s.holdings[k] else { continue }
            try stmtHolding.execute([.text(k.lot.rawValue), .text(k.holder.rawValue), .integer(v)])
        }
        let stmtContained = try db.cachedStatement(sql: "INSERT OR REPLACE INTO containment (parent, lot, amount) VALUES (?, ?, ?)")
        for k in touchedOnly ? Array(t.containment) : Array(s.containment.keys) {
            guard let v = s.containment[k] else { continue }
            try stmtContained.execute(arguments: [k.parent.rawValue, k.lot.rawValue, v])
        }
        let stmtShipment = try db.cachedStatement(sql: "INSERT OR REPLACE INTO shipments (event_id, sender, recipient, received_by) VALUES (?, ?, ?, ?)")
        let stmtLine = try db.cachedStatement(sql: "INSERT OR REPLACE INTO shipment_lines (event_id, lot, amount) VALUES (?, ?, ?)")
        for id in touchedOnly ? Array(t.shipments) : Array(s.shipments.keys) {
            guard let sh = s.shipments[id] else { continue }
            try stmtShipment.execute(arguments: [id.hex, sh.sender.rawValue, sh.recipient.rawValue, sh.receivedBy?.hex])
            for (lot, amount) in sh.lines { try stmtLine.execute(arguments: [id.hex, lot.rawValue, amount]) }
        }
        let stmtCert = try db.cachedStatement(sql: "INSERT OR REPLACE INTO certificates (issuer, number, holder, status, valid_from, valid_until, issued_by, status_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        for k in touchedOnly ? Array(t.certificates) : Array(s.certificates.keys) {
            guard let c = s.certificates[k] else { continue }
            try stmtCert.execute(arguments: [k.issuer.rawValue, k.number, c.holder.rawValue, c.status.rawValue, c.validFrom.text, c.validUntil.text, c.issuedBy.hex, c.statusBy?.hex])
        }
        let stmtIncident = try db.cachedStatement(sql: "INSERT OR REPLACE INTO incidents (event_id, lot, resolved_by) VALUES (?, ?, ?)")
        for id in touchedOnly ? Array(t.incidents) : Array(s.incidents.keys) {
            guard let i = s.incidents[id] else { continue }
            try stmtIncident.execute(arguments: [id.hex, i.lot.rawValue, i.resolvedBy?.hex])
        }
        // The leaf index comes from the events table (written before the derived rows, in the
        // same transaction): admission state knows the event, not its position.
        let hashes = touchedOnly ? Array(t.epcisEvents) : Array(s.epcisEvents.keys)
        guard !hashes.isEmpty else { return }  // nearly every block: no imported event
        let stmtHash = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO epcis_event_hashes (hash, version, leaf_index, event_id, actor, declared_by)
            SELECT ?, ?, leaf_index, ?, ?, ? FROM events WHERE id = ?
            """)
        for hash in hashes {
            guard let r = s.epcisEvents[hash] else { continue }
            try stmtHash.execute(arguments: [hash, r.version, r.event.hex, r.actor.rawValue, r.declaredBy?.hex, Data(r.event.bytes)])
            guard db.changesCount == 1 else {
                throw StoreError.corruptRow(table: "epcis_event_hashes", key: hash, problem: "event \(r.event) is not in the events table")
            }
        }
    }

    /// Every `epcis_event_hashes` row, checked against the event at its leaf index (a row
    /// pointing at another event is damage, not a lookup result).
    static func readEPCISHashes(_ db: Database, into s: inout LedgerState) throws {
        let rows = try Row.fetchAll(db, sql: """
            SELECT h.hash, h.version, h.leaf_index, h.event_id, h.actor, h.declared_by, e.id AS stored_id
            FROM epcis_event_hashes h LEFT JOIN events e ON e.leaf_index = h.leaf_index
            """)
        for row in rows {
            let hash: String = try row.decode(atIndex: 0)
            func bad(_ problem: String) -> StoreError { .corruptRow(table: "epcis_event_hashes", key: hash, problem: problem) }
            guard EPCISHashURI(hash) != nil else { throw bad("not an event hash URI") }
            guard let event = EventID(hex: try row.decode(atIndex: 3)), let actor = PartyID(try row.decode(atIndex: 4)) else { throw bad("bad event id or actor") }
            let stored: Data? = try row.decode(atIndex: 6)
            guard stored.map({ [UInt8]($0) == event.bytes }) ?? false else {
                let index: Int64 = try row.decode(atIndex: 2)
                throw bad("leaf index \(index) does not hold event \(event)")
            }
            var declared: EventID?
            if let text: String = try row.decode(atIndex: 5) {
                guard let id = EventID(hex: text) else { throw bad("bad declared_by") }
                declared = id
            }
            s.setEPCISEvent(hash, EPCISEventRecord(event: event, actor: actor, version: try row.decode(atIndex: 1), declaredBy: declared))
        }
    }

    /// One `lots` row, from `SELECT *` (columns by position, in table order: GRDB's lookup by
    /// name folds case on every call, which queries over hundreds of lots feel).
    static func lot(_ row: Row) throws -> (LotID, LotRecord) {
        let key: String = try row.decode(atIndex: 0)
        guard let id = LotID(key) else { throw StoreError.corruptRow(table: "lots", key: key, problem: "bad id") }
        return (id, try lot(id: id, key: key, text: { try row.decode(atIndex: $0) }))
    }

    /// One `lots` row of a known lot, from `SELECT *` through a ``RawQuery``.
    static func lot(_ row: RawRow, id: LotID) throws -> LotRecord {
        try lot(id: id, key: id.rawValue, text: { row.text(Int32($0)) })
    }

    private static func lot(id: LotID, key: String, text: (Int) throws -> String?) throws -> LotRecord {
        func event(_ column: Int) throws -> EventID? {
            guard let hex = try text(column) else { return nil }
            guard let id = EventID(hex: hex) else { throw StoreError.corruptRow(table: "lots", key: key, problem: "bad event id in column \(column)") }
            return id
        }
        guard let kind = try text(1).flatMap(LotRecord.Kind.init(rawValue:)), let product = try text(2), let materialClass = try text(3),
              let dim = try text(4).flatMap(QuantityUnit.Dimension.init(rawValue:)),
              let creator = try text(5).flatMap(PartyID.init), let created = try event(6)
        else { throw StoreError.corruptRow(table: "lots", key: key, problem: "bad column") }
        return LotRecord(kind: kind, product: product, materialClass: materialClass,
                         dimension: dim, creator: creator, createdBy: created, recalledBy: try event(7))
    }

    static func party(_ row: Row) throws -> (PartyID, PartyRecord) {
        let key: String = try row.decode(forColumn: "id")
        guard let id = PartyID(key), let role = Role(rawValue: try row.decode(forColumn: "role")) else {
            throw StoreError.corruptRow(table: "parties", key: key, problem: "bad id or role")
        }
        return (id, PartyRecord(role: role, name: try row.decode(forColumn: "name"),
                                registeredBy: try optionalEventID(row, "registered_by", table: "parties", key: key),
                                revokedBy: try optionalEventID(row, "revoked_by", table: "parties", key: key)))
    }

    static func key(_ row: Row) throws -> (String, KeyRecord) {
        let key: String = try row.decode(forColumn: "key_id")
        let spki: Data = try row.decode(forColumn: "spki")
        guard let party = PartyID(try row.decode(forColumn: "party")) else {
            throw StoreError.corruptRow(table: "party_keys", key: key, problem: "bad party")
        }
        let pk: PublicKey
        do {
            pk = try PublicKey(spkiDER: [UInt8](spki))
        } catch {
            // Since Ed25519 is checked strictly (docs/FORMATS.md), a key an older HADIC admitted
            // may be refused here: say so rather than only "corrupt".
            throw StoreError.corruptRow(table: "party_keys", key: key, problem: "the stored public key is refused (\(error)); a ledger admitted under the earlier, looser Ed25519 rule may hold such a key: see docs/FORMATS.md, \"Signatures\"")
        }
        return (key, KeyRecord(party: party, publicKey: pk, addedBy: try optionalEventID(row, "added_by", table: "party_keys", key: key),
                               retiredBy: try optionalEventID(row, "retired_by", table: "party_keys", key: key)))
    }

    private static func optionalEventID(_ row: Row, _ column: String, table: String, key: String) throws -> EventID? {
        guard let text: String = try row.decode(forColumn: column) else { return nil }
        guard let id = EventID(hex: text) else { throw StoreError.corruptRow(table: table, key: key, problem: "bad \(column)") }
        return id
    }

    static func read(_ db: Database) throws -> LedgerState {
        var s = LedgerState()
        s.tracksTouched = false  // Loaded whole: nothing is touched yet.
        func bad(_ table: String, _ key: String, _ what: String) -> StoreError { .corruptRow(table: table, key: key, problem: what) }
        func eventID(_ text: String?, _ table: String, _ key: String) throws -> EventID? {
            guard let text else { return nil }
            guard let id = EventID(hex: text) else { throw bad(table, key, "bad event id") }
            return id
        }
        for row in try Row.fetchAll(db, sql: "SELECT * FROM parties") {
            let (id, record) = try party(row)
            s.setParty(id, record)
        }
        for row in try Row.fetchAll(db, sql: "SELECT * FROM party_keys") {
            let (id, record) = try key(row)
            s.setKey(id, record)
        }
        // Lots and holdings have a row or more per lot (an audit loads them all): read through
        // SQLite's C API, as they are written, not through GRDB's row objects.
        try RawQuery(db, sql: "SELECT * FROM lots").forEach([]) { row in
            let key = row.text(0) ?? ""
            guard let id = LotID(key) else { throw bad("lots", key, "bad id") }
            s.setLot(id, try lot(row, id: id))
        }
        try RawQuery(db, sql: "SELECT lot, holder, amount FROM holdings").forEach([]) { row in
            let lotText = row.text(0) ?? ""
            guard let lot = LotID(lotText), let holder = row.text(1).flatMap(PartyID.init) else { throw bad("holdings", lotText, "bad lot or holder") }
            guard let amount = row.strictInteger(2) else { throw bad("holdings", lotText, "bad amount") }
            s.setHolding(HoldingKey(lot: lot, holder: holder), amount)
        }
        for row in try Row.fetchAll(db, sql: "SELECT * FROM containment") {
            let lotText: String = try row.decode(forColumn: "lot")
            guard let lot = LotID(lotText), let parent = LotID(try row.decode(forColumn: "parent")) else { throw bad("containment", lotText, "bad lot") }
            s.setContainment(ContainmentKey(parent: parent, lot: lot), try row.decode(forColumn: "amount"))
        }
        // A shipment and a line per custody.ship: through the C API too.
        var lines: [EventID: [LotID: Int64]] = [:]
        try RawQuery(db, sql: "SELECT event_id, lot, amount FROM shipment_lines").forEach([]) { row in
            let key = row.text(0) ?? ""
            guard let id = try eventID(key, "shipment_lines", key), let lot = row.text(1).flatMap(LotID.init) else { throw bad("shipment_lines", key, "bad lot") }
            guard let amount = row.strictInteger(2) else { throw bad("shipment_lines", key, "bad amount") }
            lines[id, default: [:]][lot] = amount
        }
        try RawQuery(db, sql: "SELECT event_id, sender, recipient, received_by FROM shipments").forEach([]) { row in
            let key = row.text(0) ?? ""
            guard let id = try eventID(key, "shipments", key), let sender = row.text(1).flatMap(PartyID.init),
                  let recipient = row.text(2).flatMap(PartyID.init) else { throw bad("shipments", key, "bad column") }
            s.setShipment(id, ShipmentRecord(sender: sender, recipient: recipient, lines: lines[id] ?? [:],
                                             receivedBy: try eventID(row.text(3), "shipments", key)))
        }
        for row in try Row.fetchAll(db, sql: "SELECT * FROM certificates") {
            let number: String = try row.decode(forColumn: "number")
            guard let issuer = PartyID(try row.decode(forColumn: "issuer")), let holder = PartyID(try row.decode(forColumn: "holder")),
                  let status = CertificateRecord.Status(rawValue: try row.decode(forColumn: "status")),
                  let from = Timestamp(try row.decode(forColumn: "valid_from")), let until = Timestamp(try row.decode(forColumn: "valid_until")),
                  let issued = try eventID(try row.decode(forColumn: "issued_by"), "certificates", number) else { throw bad("certificates", number, "bad column") }
            s.setCertificate(CertificateKey(issuer: issuer, number: number),
                             CertificateRecord(holder: holder, status: status, validFrom: from, validUntil: until,
                                               issuedBy: issued, statusBy: try eventID(try row.decode(forColumn: "status_by"), "certificates", number)))
        }
        for row in try Row.fetchAll(db, sql: "SELECT * FROM incidents") {
            let key: String = try row.decode(forColumn: "event_id")
            guard let id = try eventID(key, "incidents", key), let lot = LotID(try row.decode(forColumn: "lot")) else { throw bad("incidents", key, "bad column") }
            s.setIncident(id, IncidentRecord(lot: lot, resolvedBy: try eventID(try row.decode(forColumn: "resolved_by"), "incidents", key)))
        }
        try readEPCISHashes(db, into: &s)
        s.tracksTouched = true
        return s
    }
}
