import Foundation
import XCTest
import GRDB
import HADICCore
import HADICCrypto
import HADICLedger
@testable import HADICStore

final class SQLiteStoreTests: XCTestCase {
    func testDurabilitySettings() throws {
        let dir = try ScratchDirectory()
        let store = try SQLiteLedgerStore(path: dir.file("ledger.sqlite"))
        XCTAssertEqual(try store.synchronousSetting(), 2)
        XCTAssertEqual(try store.journalMode(), "wal")
        // The writer checkpoints every 10,000 WAL pages, not SQLite's default 1,000.
        XCTAssertEqual(try store.db.read { try Int.fetchOne($0, sql: "PRAGMA wal_autocheckpoint") }, SQLiteLedgerStore.walCheckpointPages)
        XCTAssertEqual(SQLiteLedgerStore.walCheckpointPages, 10_000)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.file("ledger.sqlite")))
        // Also for a read-only connection to the same file.
        let reader = try SQLiteLedgerStore(path: dir.file("ledger.sqlite"), readOnly: true)
        XCTAssertEqual(try reader.journalMode(), "wal")
        XCTAssertEqual(try reader.synchronousSetting(), 2)
    }

    func testMigrationsCreateTheTablesAndTriggers() throws {
        let dir = try ScratchDirectory()
        let store = try SQLiteLedgerStore(path: dir.file("ledger.sqlite"))
        let tables = try store.db.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%' ORDER BY name") }
        XCTAssertEqual(tables, ["blocks", "certificates", "containment", "epcis_event_hashes", "events", "fork_evidence", "holdings", "incidents", "lot_events", "lots",
                                "merkle_nodes", "parties", "party_keys", "shipment_lines", "shipments"])
        let triggers = try store.db.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name") }
        XCTAssertEqual(triggers, ["blocks_no_delete", "blocks_no_update", "events_no_delete", "events_no_update",
                                  "fork_evidence_no_delete", "fork_evidence_no_update"])
        let applied = try store.db.read { try Schema.migrator.appliedMigrations($0) }
        XCTAssertEqual(applied, ["v1-ledger-tables", "v1-append-only-triggers", "v1-merkle-nodes", "v1-derived-tables",
                                 "v2-provenance-index", "v3-events-by-type", "v4-lots-by-class", "v5-provenance-quantities", "v6-ingredient-indexes",
                                 "v7-provenance-facts", "v8-lots-keyed-by-id", "v9-fork-evidence", "v10-no-events-by-block", "v11-fewer-index-entries",
                                 "v12-epcis-event-hashes"])
        let eventIndexes = try store.db.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL ORDER BY name") }
        XCTAssertEqual(eventIndexes, ["events_by_rare_type"])
        // Reads of rare types search the partial index (its condition repeated exactly); a read
        // that includes a bulk type cannot, and scans.
        let plan = { (types: [EventType]) in
            try store.db.read { try Row.fetchAll($0, sql: "EXPLAIN QUERY PLAN " + LedgerReads.eventsSQL(ofTypes: types)) }
                .map { ($0["detail"] as String?) ?? "" }.joined(separator: "; ")
        }
        let rare = try plan([.certIssue, .certRevoke])
        XCTAssertTrue(rare.contains("USING INDEX events_by_rare_type"), rare)
        XCTAssertTrue(try plan([.policySet]).contains("USING INDEX events_by_rare_type"))
        XCTAssertFalse(try plan([.certIssue, .lotCreate]).contains("events_by_rare_type"))
        // Every table is the ledger's, the evidence a node keeps, or derived (rebuilt by reindex).
        XCTAssertEqual(Set(Schema.derivedTables), Set(tables).subtracting(["blocks", "events", "fork_evidence"]))
        // Opening again does not migrate twice (and does not fail).
        let again = try SQLiteLedgerStore(path: dir.file("ledger.sqlite"))
        XCTAssertNil(try again.latestBlock())
        XCTAssertEqual(try again.eventCount(), 0)
    }

    func testReadOnlyOpenOfAnEmptyFileIsRefused() throws {
        let dir = try ScratchDirectory()
        _ = try DatabaseQueue(path: dir.file("other.sqlite"))
        XCTAssertThrowsError(try SQLiteLedgerStore(path: dir.file("other.sqlite"), readOnly: true)) { error in
            guard case .notADataDirectory(let s) = error as? StoreError else { return XCTFail("\(error)") }
            XCTAssertTrue(s.contains("has no ledger tables"), s)
        }
    }

    func testLedgerTablesAreAppendOnly() throws {
        let f = try SQLiteFixture()
        try f.buildRichChain()
        let statements = [
            "UPDATE blocks SET checkpoint = 'x' WHERE height = 1",
            "UPDATE blocks SET signature = x'00'",
            "DELETE FROM blocks WHERE height = 2",
            "DELETE FROM blocks",
            "UPDATE events SET leaf = x'7b7d' WHERE leaf_index = 0",
            "UPDATE events SET type = 'lot.recall'",
            "DELETE FROM events WHERE leaf_index = 3",
        ]
        let before = try f.store.events(in: 0..<100).map(\.leafBytes)
        let blocksBefore = try (0...4).map { try f.store.block(at: $0)?.checkpoint }
        for sql in statements {
            assertThrows(try f.store.executeUnchecked(sql), containing: "append-only")
        }
        XCTAssertEqual(try f.store.events(in: 0..<100).map(\.leafBytes), before)
        XCTAssertEqual(try (0...4).map { try f.store.block(at: $0)?.checkpoint }, blocksBefore)
        XCTAssertEqual(try f.store.eventCount(), 15)
        XCTAssertNoThrow(try LedgerVerifier(store: f.store).verify(full: true))
    }

    /// REPLACE resolves a primary-key conflict by deleting the old row; SQLite fires delete
    /// triggers for that only with `PRAGMA recursive_triggers = ON`. Without it a REPLACE
    /// silently rewrites a ledger row past the append-only triggers.
    func testReplaceCannotRewriteLedgerRows() throws {
        let f = try SQLiteFixture()
        try f.buildRichChain()
        let leaf0 = try f.store.event(at: 0)?.leafBytes
        let block1 = try f.store.block(at: 1)?.checkpoint
        assertThrows(try f.store.executeUnchecked(
            "INSERT OR REPLACE INTO events (leaf_index, id, block, type, actor, time, leaf) SELECT leaf_index, id, block, type, actor, time, x'00' FROM events WHERE leaf_index = 0"),
            containing: "append-only")
        assertThrows(try f.store.executeUnchecked(
            "REPLACE INTO blocks (height, hash, header, signature, checkpoint) SELECT height, hash, header, signature, 'x' FROM blocks WHERE height = 1"),
            containing: "append-only")
        XCTAssertEqual(try f.store.event(at: 0)?.leafBytes, leaf0)
        XCTAssertEqual(try f.store.block(at: 1)?.checkpoint, block1)
    }

    func testDerivedTablesCanBeReplaced() throws {
        let f = try SQLiteFixture()
        try f.buildRichChain()
        let expected = f.sequencer.state
        // Derived tables take ordinary writes (no trigger), so damage is possible...
        try f.store.executeUnchecked("DELETE FROM holdings")
        try f.store.executeUnchecked("UPDATE lots SET product = 'pork' WHERE id = 'farm/flour-1'")
        try f.store.executeUnchecked("DELETE FROM merkle_nodes WHERE level = 1")
        XCTAssertNotEqual(try f.store.loadState(), expected)
        XCTAssertThrowsError(try LedgerVerifier(store: f.store).verify(full: false)) { error in
            XCTAssertEqual((error as? VerificationFailure)?.location, "stored Merkle nodes")
        }
        // ...and a reindex from the events repairs it.
        let rebuilt = try DerivedRebuild.rebuild(from: f.store)
        XCTAssertEqual(rebuilt.state, expected)
        try f.store.replaceDerived(state: rebuilt.state, nodes: rebuilt.nodes, links: rebuilt.links)
        XCTAssertEqual(try f.store.loadState(), expected)
        XCTAssertNoThrow(try LedgerVerifier(store: f.store).verify(full: true))
        // replaceDerived twice gives the same result (it empties first).
        try f.store.replaceDerived(state: rebuilt.state, nodes: rebuilt.nodes, links: rebuilt.links)
        XCTAssertEqual(try f.store.loadState(), expected)
        var count = 0
        try f.store.forEachMerkleNode { _ in count += 1 }
        XCTAssertEqual(count, rebuilt.nodes.count)
        var links: [LotLink] = []
        try f.store.forEachLotLink { links.append($0) }
        XCTAssertEqual(links, rebuilt.links.sorted(), "the provenance index is rebuilt from the events")
        XCTAssertFalse(links.isEmpty)
    }

    /// The audit's fast path: rows stored as written are matched in place (nil), a changed row is
    /// decoded and handed over, and equal decoded rows stay equal (only the decoding is skipped).
    func testLotLinksBesideExpectedMatchInPlaceOnlyRowsStoredAsWritten() throws {
        let f = try SQLiteFixture()
        try f.buildRichChain()
        var expected: [LotLink] = []
        try f.store.forEachLotLink { expected.append($0) }
        XCTAssertFalse(expected.isEmpty)
        var given: [LotLink?] = []
        try f.store.forEachLotLink(beside: expected) { given.append($0) }
        XCTAssertEqual(given.count, expected.count)
        XCTAssertTrue(given.allSatisfy { $0 == nil }, "every row as written is matched without decoding")
        // Past the end of `expected`, every row is decoded.
        given = []
        try f.store.forEachLotLink(beside: Array(expected.prefix(1))) { given.append($0) }
        XCTAssertNil(given[0])
        XCTAssertEqual(given.dropFirst().compactMap { $0 }, Array(expected.dropFirst()))

        // One row's amount spelled differently is not byte for byte the expected one: decoded.
        let target = try XCTUnwrap(expected.firstIndex { $0.quantity != nil })
        let row = expected[target]
        try f.store.executeUnchecked("UPDATE lot_events SET amount = amount || '9' WHERE lot = '\(row.lot.rawValue)' AND leaf_index = \(row.leafIndex) AND role = '\(row.role.rawValue)'")
        given = []
        try f.store.forEachLotLink(beside: expected) { given.append($0) }
        XCTAssertEqual(given.count, expected.count)
        for (i, link) in given.enumerated() where i != target { XCTAssertNil(link, "row \(i)") }
        let decoded = try XCTUnwrap(given[target])
        XCTAssertEqual(decoded.lot, row.lot)
        XCTAssertNotEqual(decoded, row)
        XCTAssertEqual(decoded.quantity?.amount, (row.quantity?.amount ?? "") + "9")
    }

    func testAppendAndLoadStateRoundTrip() throws {
        let f = try SQLiteFixture()
        try f.buildRichChain()
        let state = f.sequencer.state
        // Sanity: the chain reached every derived table.
        XCTAssertEqual(state.parties.count, 4)
        XCTAssertEqual(state.keys.count, 5)
        XCTAssertEqual(state.keys.values.filter { $0.retiredBy != nil }.count, 1)
        XCTAssertEqual(state.lots.count, 3)
        XCTAssertEqual(state.containment.count, 1)
        XCTAssertEqual(state.shipments.count, 1)
        XCTAssertEqual(state.certificates.first?.value.status, .suspended)
        XCTAssertEqual(state.incidents.count, 1)
        XCTAssertNotNil(state.incidents.first?.value.resolvedBy)
        XCTAssertNotNil(state.lots[LotID("farm/raw-1")!]?.recalledBy)
        let flour = LotID("farm/flour-1")!
        XCTAssertEqual(state.holding(flour, by: PartyID("mill")!), 7_500_000_000)
        XCTAssertEqual(state.holding(flour, by: PartyID("farm")!), 25_500_000_000)
        XCTAssertEqual(state.contained(flour, in: LotID("urn:epc:id:sscc:0614141.1234567890")!), 2_500_000_000)

        XCTAssertEqual(try f.store.loadState(), state)
        // A fresh connection reads the same rows.
        XCTAssertEqual(try SQLiteLedgerStore(path: f.ledgerFile).loadState(), state)
        XCTAssertEqual(try SQLiteLedgerStore(path: f.ledgerFile, readOnly: true).loadState(), state)
        // And a replay of the events agrees.
        XCTAssertEqual(try DerivedRebuild.rebuild(from: f.store).state, state)
    }

    func testStoredBlocksAndEvents() throws {
        let f = try SQLiteFixture()
        let reg = try f.register("farm", .producer)
        let create = try f.event("farm", .lotCreate, ["lot": "farm/a", "product": "p", "class": "c", "quantity": SQLiteFixture.qty("1", "kg")])
        let receipts = try f.submit([reg, create])
        XCTAssertEqual(receipts.map(\.leafIndex), [0, 1])
        XCTAssertEqual(try f.store.eventCount(), 2)
        XCTAssertTrue(try f.store.containsEvent(create.id))
        XCTAssertEqual(try f.store.knownEvents(among: [reg.id, create.id, try f.register("x", .producer).id]), [reg.id, create.id])
        let stored = try XCTUnwrap(try f.store.event(id: create.id))
        XCTAssertEqual(stored.index, 1)
        XCTAssertEqual(stored.block, 1)
        XCTAssertEqual(stored.type, .lotCreate)
        XCTAssertEqual(stored.actor, PartyID("farm"))
        XCTAssertEqual(stored.time, f.clock.now)
        XCTAssertEqual(stored.leafBytes, create.leafBytes)
        XCTAssertEqual(try f.store.event(at: 0)?.id, reg.id)
        XCTAssertNil(try f.store.event(at: 2))
        XCTAssertEqual(try f.store.leaves(in: 0..<2), [reg.leafBytes, create.leafBytes])
        XCTAssertEqual(try f.store.leaves(in: 1..<5), [create.leafBytes])
        let block = try XCTUnwrap(try f.store.block(at: 1))
        XCTAssertEqual(block.header, f.sequencer.head.header)
        XCTAssertEqual(block.signature, f.sequencer.head.signature)
        XCTAssertEqual(block.checkpoint, f.sequencer.head.checkpoint)
        XCTAssertEqual(try f.store.latestBlock()?.header.hash, block.header.hash)
        XCTAssertNil(try f.store.block(at: 2))
        XCTAssertEqual(try f.store.merkleNode(MerkleNodeID(level: 1, index: 0)),
                       MerkleHash.node(MerkleHash.leaf(reg.leafBytes), MerkleHash.leaf(create.leafBytes)))
        // A second genesis is refused.
        assertThrows(_ = try Sequencer.initialize(store: f.store, genesis: f.genesis, sequencerKey: f.sequencerKey,
                                                  time: Timestamp("2026-11-29T04:00:00Z")!), containing: "already")
        XCTAssertEqual(try f.store.block(at: 0)?.header.time, Timestamp("2026-11-29T04:00:00Z"))
    }

    func testReopenResumesAtTheSameHead() throws {
        let f = try SQLiteFixture()
        try f.buildRichChain()
        let head = f.sequencer.head
        let frontier = f.sequencer.frontier
        let state = f.sequencer.state
        try f.reopen()
        XCTAssertEqual(f.sequencer.head.header, head.header)
        XCTAssertEqual(f.sequencer.head.signature, head.signature)
        XCTAssertEqual(f.sequencer.frontier, frontier)
        XCTAssertEqual(f.sequencer.state, state)
        // It keeps appending where it stopped.
        f.clock.now = Timestamp("2026-11-29T06:00:00Z")!
        let e = try f.event("mill", .lotInspect, ["lot": "farm/flour-1", "test": "porcine-dna-pcr", "result": "negative"])
        let r = try f.submit([e])
        XCTAssertEqual(r, [Receipt(eventID: e.id, leafIndex: 15, blockHeight: 5)])
        XCTAssertEqual(try f.store.block(at: 5)?.header.previousHash, head.header.hash)
        let report = try LedgerVerifier(store: f.store, trustedSequencerKey: f.sequencerKey.publicKey).verify(full: true)
        XCTAssertEqual(report.blocks, 6)
        XCTAssertEqual(report.events, 16)
        XCTAssertEqual(report.signaturesChecked, 16)
    }

    func testSequencerRefusesAlteredStoredNode() throws {
        let f = try SQLiteFixture()
        try f.buildRichChain()
        // 15 leaves: the edge is level 3 index 0, level 2 index 2, level 1 index 6, level 0 index 14.
        try f.store.executeUnchecked("UPDATE merkle_nodes SET hash = zeroblob(32) WHERE level = 2 AND position = 2")
        XCTAssertThrowsError(try Sequencer(store: try SQLiteLedgerStore(path: f.ledgerFile), key: f.sequencerKey,
                                           clock: { Timestamp("2026-11-29T06:00:00Z")! })) { error in
            guard case .corrupt = error as? LedgerError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try LedgerVerifier(store: f.store).verify(full: false)) { error in
            XCTAssertEqual((error as? VerificationFailure)?.location, "stored Merkle node level 2 index 2")
        }
    }

    func testTamperedLeafIsFoundByTheVerifier() throws {
        let f = try SQLiteFixture()
        try f.buildRichChain()
        // An attacker who drops the trigger can rewrite a leaf; the verifier names the event.
        try f.store.executeUnchecked("DROP TRIGGER events_no_update")
        try f.store.executeUnchecked("UPDATE events SET leaf = CAST(replace(CAST(leaf AS TEXT), '35.5', '95.5') AS BLOB) WHERE leaf_index = 4")
        let e = try XCTUnwrap(try f.store.event(at: 4))
        XCTAssertTrue(String(decoding: e.leafBytes, as: UTF8.self).contains("95.5"))
        XCTAssertThrowsError(try LedgerVerifier(store: f.store).verify(full: false)) { error in
            XCTAssertEqual((error as? VerificationFailure)?.location, "event \(e.id) (index 4, block 2)")
        }
    }

    /// Event rows read through the C API refuse what the GRDB reading refused, and a negative
    /// block (which trapped) is a corrupt row too.
    func testEventRowsWithBadColumnsAreCorruptRows() throws {
        let f = try SQLiteFixture()
        try f.buildRichChain()
        try f.store.executeUnchecked("DROP TRIGGER events_no_update")
        try f.store.executeUnchecked("UPDATE events SET block = -1 WHERE leaf_index = 3")
        assertThrows(_ = try f.store.events(in: 0..<5), containing: "negative block")
        try f.store.executeUnchecked("UPDATE events SET block = 2, type = 'lot.nothing' WHERE leaf_index = 3")
        assertThrows(_ = try f.store.events(in: 0..<5), containing: "unknown type lot.nothing")
        try f.store.executeUnchecked("UPDATE events SET type = 'lot.create', time = 'yesterday' WHERE leaf_index = 3")
        assertThrows(_ = try f.store.events(in: 0..<5), containing: "bad time")
        XCTAssertEqual(try f.store.events(in: 0..<3).count, 3)
    }
}
