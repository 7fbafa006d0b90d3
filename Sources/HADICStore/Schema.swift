import GRDB
import HADICCore

/// The SQLite schema, as named migrations applied in order (docs/STORAGE.md).
///
/// Ledger tables (`blocks`, `events`) are append-only: triggers refuse UPDATE and DELETE.
/// Every other table is derived from the events and can be rebuilt by `hadic reindex`.
enum Schema {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-ledger-tables") { db in
            try db.execute(sql: """
                CREATE TABLE blocks (
                    height INTEGER PRIMARY KEY,
                    hash BLOB NOT NULL UNIQUE,
                    header BLOB NOT NULL,
                    signature BLOB NOT NULL,
                    checkpoint TEXT NOT NULL
                );
                CREATE TABLE events (
                    leaf_index INTEGER PRIMARY KEY,
                    id BLOB NOT NULL UNIQUE,
                    block INTEGER NOT NULL,
                    type TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    time TEXT NOT NULL,
                    leaf BLOB NOT NULL
                );
                CREATE INDEX events_by_block ON events(block);
                """)
        }
        m.registerMigration("v1-append-only-triggers") { db in
            for table in ["blocks", "events"] {
                try db.execute(sql: """
                    CREATE TRIGGER \(table)_no_update BEFORE UPDATE ON \(table)
                    BEGIN SELECT RAISE(ABORT, 'append-only: \(table) rows cannot be updated'); END;
                    CREATE TRIGGER \(table)_no_delete BEFORE DELETE ON \(table)
                    BEGIN SELECT RAISE(ABORT, 'append-only: \(table) rows cannot be deleted'); END;
                    """)
            }
        }
        m.registerMigration("v1-merkle-nodes") { db in
            try db.execute(sql: """
                CREATE TABLE merkle_nodes (
                    level INTEGER NOT NULL,
                    position INTEGER NOT NULL,
                    hash BLOB NOT NULL,
                    PRIMARY KEY (level, position)
                ) WITHOUT ROWID;
                """)
        }
        m.registerMigration("v1-derived-tables") { db in
            try db.execute(sql: """
                CREATE TABLE parties (
                    id TEXT PRIMARY KEY, role TEXT NOT NULL, name TEXT NOT NULL,
                    registered_by TEXT, revoked_by TEXT
                );
                CREATE TABLE party_keys (
                    key_id TEXT PRIMARY KEY, party TEXT NOT NULL, spki BLOB NOT NULL,
                    added_by TEXT, retired_by TEXT
                );
                CREATE INDEX party_keys_by_party ON party_keys(party);
                CREATE TABLE lots (
                    id TEXT PRIMARY KEY, kind TEXT NOT NULL, product TEXT NOT NULL, class TEXT NOT NULL,
                    dimension TEXT NOT NULL, creator TEXT NOT NULL, created_by TEXT NOT NULL, recalled_by TEXT
                );
                CREATE TABLE holdings (
                    lot TEXT NOT NULL, holder TEXT NOT NULL, amount INTEGER NOT NULL,
                    PRIMARY KEY (lot, holder)
                ) WITHOUT ROWID;
                CREATE INDEX holdings_by_holder ON holdings(holder);
                CREATE TABLE containment (
                    parent TEXT NOT NULL, lot TEXT NOT NULL, amount INTEGER NOT NULL,
                    PRIMARY KEY (parent, lot)
                ) WITHOUT ROWID;
                CREATE TABLE shipments (
                    event_id TEXT PRIMARY KEY, sender TEXT NOT NULL, recipient TEXT NOT NULL, received_by TEXT
                );
                CREATE TABLE shipment_lines (
                    event_id TEXT NOT NULL, lot TEXT NOT NULL, amount INTEGER NOT NULL,
                    PRIMARY KEY (event_id, lot)
                ) WITHOUT ROWID;
                CREATE TABLE certificates (
                    issuer TEXT NOT NULL, number TEXT NOT NULL, holder TEXT NOT NULL, status TEXT NOT NULL,
                    valid_from TEXT NOT NULL, valid_until TEXT NOT NULL, issued_by TEXT NOT NULL, status_by TEXT,
                    PRIMARY KEY (issuer, number)
                );
                CREATE TABLE incidents (
                    event_id TEXT PRIMARY KEY, lot TEXT NOT NULL, resolved_by TEXT
                );
                """)
        }
        m.registerMigration("v2-provenance-index") { db in
            try db.execute(sql: """
                CREATE TABLE lot_events (
                    lot TEXT NOT NULL, leaf_index INTEGER NOT NULL, role TEXT NOT NULL,
                    PRIMARY KEY (lot, leaf_index, role)
                ) WITHOUT ROWID;
                CREATE INDEX lot_events_by_event ON lot_events(leaf_index);
                """)
            // A ledger made before this migration gets its index from its events in v7.
        }
        m.registerMigration("v3-events-by-type") { db in
            // Certificate and policy questions read the few events of their types, not the table.
            try db.execute(sql: "CREATE INDEX events_by_type ON events(type, leaf_index)")
        }
        m.registerMigration("v4-lots-by-class") { db in
            // The assessment finds non-halal goods by their material class.
            try db.execute(sql: "CREATE INDEX lots_by_class ON lots(class)")
        }
        m.registerMigration("v5-provenance-quantities") { db in
            // A trace reads each edge's quantity from the index instead of parsing the event.
            try db.execute(sql: """
                ALTER TABLE lot_events ADD COLUMN amount TEXT;
                ALTER TABLE lot_events ADD COLUMN unit TEXT;
                DELETE FROM lot_events;
                """)
            // Refilled from the events by v7, with the columns added there.
        }
        m.registerMigration("v6-ingredient-indexes") { db in
            // The recursive walk of a backward trace: each lot's making rows, then the inputs of
            // that event, each from a small covering index of just those rows.
            try db.execute(sql: """
                CREATE INDEX IF NOT EXISTS lot_events_making ON lot_events(lot, leaf_index) WHERE role IN ('created', 'produced', 'container');
                CREATE INDEX IF NOT EXISTS lot_events_inputs ON lot_events(leaf_index, lot, amount, unit) WHERE role IN ('consumed', 'packed');
                """)
        }
        m.registerMigration("v7-provenance-facts") { db in
            // Each row carries what queries ask of its event (id, type, actor, time, key; where
            // and how for making and custody events): an assessment parses no making, shipping
            // or receiving event. Three partial indexes answer a query's reads in one search
            // each: a lot's own story (covering), the lot lines of one event (covering), and
            // one party's receipts of a lot.
            try db.execute(sql: """
                DELETE FROM lot_events;
                ALTER TABLE lot_events ADD COLUMN event_id BLOB;
                ALTER TABLE lot_events ADD COLUMN type TEXT;
                ALTER TABLE lot_events ADD COLUMN actor TEXT;
                ALTER TABLE lot_events ADD COLUMN time TEXT;
                ALTER TABLE lot_events ADD COLUMN key_id TEXT;
                ALTER TABLE lot_events ADD COLUMN counterpart TEXT;
                ALTER TABLE lot_events ADD COLUMN carrier TEXT;
                ALTER TABLE lot_events ADD COLUMN place TEXT;
                ALTER TABLE lot_events ADD COLUMN segregated INTEGER;
                ALTER TABLE lot_events ADD COLUMN shipment BLOB;
                DROP INDEX IF EXISTS lot_events_inputs;
                DROP INDEX IF EXISTS lot_events_making;
                CREATE INDEX lot_events_steps ON lot_events(leaf_index, role, lot, amount, unit) WHERE role IN ('consumed', 'packed', 'produced');
                CREATE INDEX lot_events_story ON lot_events(lot, leaf_index, role, amount, unit, event_id, type, actor, time, key_id, place)
                    WHERE role IN ('created', 'produced', 'container', 'packed', 'unpacked', 'inspected', 'incident', 'recalled');
                CREATE INDEX lot_events_receipts ON lot_events(lot, actor, leaf_index) WHERE role = 'received';
                """)
            try ProvenanceIndexBackfill.run(db)
        }
        m.registerMigration("v8-lots-keyed-by-id") { db in
            // Clustered by id: looking a lot up is one B-tree search instead of two (the text
            // key's index, then the row), and queries look up hundreds of lots each.
            try db.execute(sql: """
                CREATE TABLE lots_by_id (
                    id TEXT PRIMARY KEY, kind TEXT NOT NULL, product TEXT NOT NULL, class TEXT NOT NULL,
                    dimension TEXT NOT NULL, creator TEXT NOT NULL, created_by TEXT NOT NULL, recalled_by TEXT
                ) WITHOUT ROWID;
                INSERT INTO lots_by_id SELECT id, kind, product, class, dimension, creator, created_by, recalled_by FROM lots;
                DROP TABLE lots;
                ALTER TABLE lots_by_id RENAME TO lots;
                CREATE INDEX lots_by_class ON lots(class);
                """)
        }
        m.registerMigration("v9-fork-evidence") { db in
            // Not derived from the events and never rebuilt: what peers showed this node that
            // contradicts its ledger, kept as it came (docs/PROTOCOL.md, "One history").
            try db.execute(sql: """
                CREATE TABLE fork_evidence (
                    id INTEGER PRIMARY KEY, found_at TEXT NOT NULL, peer TEXT NOT NULL, kind TEXT NOT NULL,
                    position INTEGER NOT NULL, ours TEXT NOT NULL, theirs TEXT NOT NULL, reason TEXT NOT NULL
                );
                CREATE TRIGGER fork_evidence_no_update BEFORE UPDATE ON fork_evidence
                BEGIN SELECT RAISE(ABORT, 'append-only: fork_evidence rows cannot be updated'); END;
                CREATE TRIGGER fork_evidence_no_delete BEFORE DELETE ON fork_evidence
                BEGIN SELECT RAISE(ABORT, 'append-only: fork_evidence rows cannot be deleted'); END;
                """)
        }
        m.registerMigration("v10-no-events-by-block") { db in
            // No query reads events by block (a block's events are the leaf range between its
            // tree size and its parent's), and every event paid for the index entry.
            try db.execute(sql: "DROP INDEX IF EXISTS events_by_block")
        }
        m.registerMigration("v11-fewer-index-entries") { db in
            // Every admitted event paid for entries that few or no queries read:
            // - `lot_events_story` copied each story row; the table is clustered by the same
            //   (lot, leaf_index, role) key and holds every column, so a lot's story is one
            //   range of the table itself.
            // - `events_by_type` indexed the bulk lot and custody events too, which no query
            //   reads by type; the rare types it serves are indexed alone.
            try db.execute(sql: """
                DROP INDEX IF EXISTS lot_events_story;
                DROP INDEX IF EXISTS events_by_type;
                CREATE INDEX events_by_rare_type ON events(type, leaf_index) WHERE \(Schema.rareTypes);
                """)
        }
        m.registerMigration("v12-epcis-event-hashes") { db in
            // Events imported from GS1 EPCIS, by their CBV 2.0 event hash: `hadic event HASH`
            // and the importer's duplicate check find one in one B-tree search. Derived like
            // the other state tables (rebuilt by reindex, compared by verify --full). A ledger
            // made before this step holds no imported event (bodies were closed to `epcis`),
            // so the table starts empty.
            try db.execute(sql: """
                CREATE TABLE epcis_event_hashes (
                    hash TEXT PRIMARY KEY, version TEXT NOT NULL, leaf_index INTEGER NOT NULL,
                    event_id TEXT NOT NULL, actor TEXT NOT NULL, declared_by TEXT
                ) WITHOUT ROWID;
                """)
        }
        return m
    }

    /// The event types that make most of a ledger, read by lot and never by type. Migration v11
    /// built `events_by_rare_type` from this list: changing it needs a new migration that
    /// rebuilds the index, or reads would stop matching its condition (and scan).
    static let bulkTypes: [EventType] = [.lotCreate, .lotTransform, .lotAggregate, .lotDisaggregate, .custodyShip, .custodyReceive]
    /// The `events_by_rare_type` index's condition, written exactly as a query must repeat it
    /// for SQLite to use the partial index.
    static let rareTypes = "type NOT IN (\(bulkTypes.map { "'\($0.rawValue)'" }.joined(separator: ", ")))"

    /// The derived tables, emptied and refilled by a reindex.
    static let derivedTables = ["merkle_nodes", "lot_events", "parties", "party_keys", "lots", "holdings", "containment",
                                "shipments", "shipment_lines", "certificates", "incidents", "epcis_event_hashes"]
}
