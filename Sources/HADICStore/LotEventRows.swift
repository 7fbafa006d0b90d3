import Foundation
import GRDB
import HADICCore

/// Maps ``LotLink`` to and from rows of the provenance index (`lot_events`, docs/STORAGE.md).
///
/// Rows are decoded by column position (GRDB's lookup by name folds case on every call, which
/// a query over thousands of rows feels), in the order of ``columns``.
enum LotEventRows {
    /// Every column, in the order ``link(_:)`` reads them.
    static let columns = "lot, leaf_index, role, amount, unit, event_id, type, actor, time, key_id, counterpart, carrier, place, segregated, shipment"
    /// `columns` (or `storyColumns`) qualified by a table alias, for joins.
    static func columns(_ list: String, of alias: String) -> String {
        list.split(separator: ", ").map { "\(alias).\($0)" }.joined(separator: ", ")
    }

    /// The columns of a story row, in the order ``storyLink(_:lot:)`` reads them (the custody
    /// columns are null in story rows).
    static let storyColumns = "lot, leaf_index, role, amount, unit, event_id, type, actor, time, key_id, place"
    /// The condition that selects story rows: a lot's making, packings, inspections, incidents, recalls.
    static let storyRoles = "role IN ('created', 'produced', 'container', 'packed', 'unpacked', 'inspected', 'incident', 'recalled')"
    /// The same for the `lot_events_steps` index of transformation and packing lines.
    static let stepRoles = "role IN ('consumed', 'packed', 'produced')"

    /// Roles as an SQL list of literals (their names are plain lowercase words).
    static func literal(_ roles: Set<LotLink.Role>) -> String {
        roles.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ")
    }

    static func insert(_ links: [LotLink], _ db: Database) throws {
        let insert = try RawQuery(db, sql: "INSERT INTO lot_events (\(columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        for l in links {
            let e = l.event
            try insert.execute([
                .text(l.lot.rawValue), .integer(Int64(clamping: l.leafIndex)), .text(l.role.rawValue), .text(l.quantity?.amount), .text(l.quantity?.unit.rawValue),
                .blob(e.id.bytes), .text(e.type.rawValue), .text(e.actor.rawValue), .text(e.time.text), .text(e.keyID),
                .text(l.counterpart?.rawValue), .text(l.carrier?.rawValue), .text(l.place), l.segregated.map { .integer($0 ? 1 : 0) } ?? .null,
                .blob(l.shipment?.bytes),
            ])
        }
    }

    /// Whether a row of `SELECT \(columns) FROM lot_events` holds exactly the values ``insert(_:_:)``
    /// writes for `l` (such a row reads back as `l`; a row that differs may still, and is decoded).
    static func holds(_ row: RawRow, _ l: LotLink) -> Bool {
        let e = l.event
        return row.strictInteger(1) == Int64(clamping: l.leafIndex)
            && row.textEquals(0, l.lot.rawValue) && row.textEquals(2, l.role.rawValue)
            && row.textEquals(3, l.quantity?.amount) && row.textEquals(4, l.quantity?.unit.rawValue)
            && row.blobEquals(5, e.id.bytes) && row.textEquals(6, e.type.rawValue) && row.textEquals(7, e.actor.rawValue)
            && row.textEquals(8, e.time.text) && row.textEquals(9, e.keyID)
            && row.textEquals(10, l.counterpart?.rawValue) && row.textEquals(11, l.carrier?.rawValue) && row.textEquals(12, l.place)
            && (l.segregated.map { row.strictInteger(13) == ($0 ? 1 : 0) } ?? row.isNull(13))
            && row.blobEquals(14, l.shipment?.bytes)
    }

    /// A row of `SELECT \(columns) FROM lot_events`.
    static func link(_ row: RawRow) throws -> LotLink {
        let lotText = row.text(0) ?? ""
        guard let lot = LotID(lotText) else { throw StoreError.corruptRow(table: "lot_events", key: lotText, problem: "bad lot") }
        return try link(row, lot: lot)
    }

    /// A row of `SELECT \(columns) FROM lot_events` whose lot is known (not re-validated);
    /// `from`: the position of its first column, when it follows other columns.
    static func link(_ row: RawRow, lot: LotID, from first: Int32 = 0) throws -> LotLink {
        let (leafIndex, role, event, key) = try head(row, lot: lot, from: first)
        var segregated: Bool?
        if !row.isNull(first + 13) {
            switch row.strictInteger(first + 13) {
            case 0: segregated = false
            case 1: segregated = true
            default: throw StoreError.corruptRow(table: "lot_events", key: key, problem: "segregated is neither 0, 1 nor null")
            }
        }
        return LotLink(lot: lot, leafIndex: leafIndex, role: role, quantity: try quantity(row, at: first + 3, key: key, role: role), event: event,
                       counterpart: try party(row, first + 10, key: key), carrier: try party(row, first + 11, key: key), place: row.text(first + 12),
                       segregated: segregated, shipment: try eventID(row, first + 14, key: key))
    }

    /// A row of `SELECT \(storyColumns) FROM lot_events`.
    /// (`from`: the position of its first column, when it follows other columns.)
    static func storyLink(_ row: RawRow, lot: LotID, from first: Int32 = 0) throws -> LotLink {
        let (leafIndex, role, event, key) = try head(row, lot: lot, from: first)
        return LotLink(lot: lot, leafIndex: leafIndex, role: role, quantity: try quantity(row, at: first + 3, key: key, role: role), event: event,
                       place: row.text(first + 10))
    }

    /// Columns 1, 2 and 5 to 9 (after `first`): the leaf index, the role and the event's facts.
    private static func head(_ row: RawRow, lot: LotID, from first: Int32 = 0) throws -> (UInt64, LotLink.Role, LinkEvent, String) {
        let index = row.strictInteger(first + 1) ?? -1
        guard let leafIndex = UInt64(exactly: index), let role = row.text(first + 2).flatMap(LotLink.Role.init(rawValue:)) else {
            throw StoreError.corruptRow(table: "lot_events", key: "\(lot) @\(index)", problem: "bad index or role")
        }
        guard let id = try eventID(row, first + 5, key: lot.rawValue), let type = row.text(first + 6).flatMap(EventType.init(rawValue:)),
              let actor = try party(row, first + 7, key: lot.rawValue), let time = row.text(first + 8).flatMap(Timestamp.init),
              let keyID = row.text(first + 9) else {
            throw StoreError.corruptRow(table: "lot_events", key: "\(lot) @\(index)", problem: "bad event id, type, actor, time or key")
        }
        return (leafIndex, role, LinkEvent(id: id, type: type, actor: actor, time: time, keyID: keyID), lot.rawValue)
    }

    private static func party(_ row: RawRow, _ column: Int32, key: String) throws -> PartyID? {
        guard let text = row.text(column) else { return nil }
        guard let p = PartyID(text) else { throw StoreError.corruptRow(table: "lot_events", key: key, problem: "bad party in column \(column)") }
        return p
    }

    private static func eventID(_ row: RawRow, _ column: Int32, key: String) throws -> EventID? {
        guard let bytes = row.blob(column) else { return nil }
        guard let id = EventID(bytes: bytes) else { throw StoreError.corruptRow(table: "lot_events", key: key, problem: "bad event id in column \(column)") }
        return id
    }

    /// The roles whose rows carry the quantity their event wrote; the others carry none.
    static let measured: Set<LotLink.Role> = [.created, .consumed, .produced, .packed, .unpacked, .shipped, .received]

    /// A row of `SELECT lot, amount, unit` from `lot_events_steps`: one lot line of event `leafIndex` in `role`.
    static func line(_ row: RawRow, at leafIndex: UInt64, role: LotLink.Role) throws -> EventLine {
        let text = row.text(0) ?? ""
        guard let lot = LotID(text) else { throw StoreError.corruptRow(table: "lot_events", key: "\(text) @\(leafIndex)", problem: "bad lot") }
        return EventLine(lot: lot, role: role, quantity: try quantity(row, at: 1, key: "\(text) @\(leafIndex)", role: role))
    }

    /// The `amount` and `unit` columns of a row in `role`: a valid quantity where the role has
    /// one, both null where it has none (a missing quantity would silently skip the mass balance).
    static func quantity(_ row: RawRow, at column: Int32, key: String, role: LotLink.Role) throws -> Quantity? {
        let q = try quantity(row, at: column, key: key)
        guard (q != nil) == measured.contains(role) else {
            throw StoreError.corruptRow(table: "lot_events", key: key, problem: q == nil ? "\(role.rawValue) row without a quantity" : "\(role.rawValue) row with a quantity")
        }
        return q
    }

    /// The `amount` and `unit` columns (at `column` and the next): both null, or a valid quantity.
    static func quantity(_ row: RawRow, at column: Int32, key: String) throws -> Quantity? {
        let amount = row.text(column), unitText = row.text(column + 1)
        guard let amount, let unitText else {
            guard amount == nil && unitText == nil else { throw StoreError.corruptRow(table: "lot_events", key: key, problem: "amount without unit") }
            return nil
        }
        guard let unit = QuantityUnit(rawValue: unitText), let q = Quantity(amount: amount, unit: unit) else {
            throw StoreError.corruptRow(table: "lot_events", key: key, problem: "bad quantity \(amount) \(unitText)")
        }
        return q
    }
}
