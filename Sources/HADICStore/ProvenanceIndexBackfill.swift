import Foundation
import GRDB
import HADICCore

/// Fills `lot_events` from the stored events, for a ledger created before the index (or its
/// quantity columns) existed.
enum ProvenanceIndexBackfill {
    static func run(_ db: Database) throws {
        let cursor = try Row.fetchCursor(db, sql: "SELECT leaf_index, leaf FROM events ORDER BY leaf_index")
        while let row = try cursor.next() {
            let index: Int64 = try row.decode(forColumn: "leaf_index")
            let leaf: Data = try row.decode(forColumn: "leaf")
            guard let leafIndex = UInt64(exactly: index) else { continue }
            // An event that no longer parses is left for `hadic verify` to name.
            guard let envelope = try? EventEnvelope.parse([UInt8](leaf)) else { continue }
            try LotEventRows.insert(LotLink.links(of: envelope, at: leafIndex), db)
        }
    }
}
