import XCTest
import HADICCore
import HADICCrypto
import HADICLedger

final class VerifierTests: XCTestCase {
    private func fixture() throws -> (LedgerFixture, [EventEnvelope]) {
        let f = try LedgerFixture()
        let events = try f.buildStandardChain()
        return (f, events)
    }

    private func location(_ e: StoredEvent) -> String { "event \(e.id) (index \(e.index), block \(e.block))" }

    private func assertFails(_ store: InMemoryLedgerStore, full: Bool, at location: String, _ problem: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        do {
            let report = try LedgerVerifier(store: store).verify(full: full)
            XCTFail("verification passed: \(report)", file: file, line: line)
        } catch {
            XCTAssertEqual(error.location, location, "\(error)", file: file, line: line)
            XCTAssertTrue(error.problem.contains(problem), "\(error)", file: file, line: line)
        }
    }

    func testFullVerificationPasses() throws {
        let (f, events) = try fixture()
        let full = try LedgerVerifier(store: f.store).verify(full: true)
        XCTAssertTrue(full.full)
        XCTAssertEqual(full.blocks, 3)
        XCTAssertEqual(full.events, 7)
        XCTAssertEqual(full.signaturesChecked, 7)
        XCTAssertEqual(full.treeSize, 7)
        XCTAssertEqual(full.root, f.sequencer.head.header.treeRoot)
        XCTAssertEqual(full.merkleNodes, 7 + 3 + 1)
        XCTAssertEqual(full.parties, 3)
        XCTAssertEqual(full.lots, 2)
        XCTAssertEqual(full.certificates, 0)
        XCTAssertEqual(events.count, 7)

        let quick = try LedgerVerifier(store: f.store, trustedSequencerKey: f.sequencerKey.publicKey).verify(full: false)
        XCTAssertFalse(quick.full)
        XCTAssertEqual(quick.blocks, 3)
        XCTAssertEqual(quick.events, 7)
        XCTAssertEqual(quick.signaturesChecked, 0)
        XCTAssertEqual(quick.merkleNodes, 11)
    }

    func testGenesisOnlyLedgerVerifies() throws {
        let f = try LedgerFixture()
        let report = try LedgerVerifier(store: f.store).verify(full: true)
        XCTAssertEqual(report.blocks, 1)
        XCTAssertEqual(report.events, 0)
        XCTAssertEqual(report.root, MerkleHash.emptyRoot)
        XCTAssertEqual(report.parties, 1)
    }

    func testChangedLeafByteNamesTheEvent() throws {
        let (f, _) = try fixture()
        let s = f.store.copy()
        let e = s.events[5]
        var bytes = e.leafBytes
        let i = bytes.firstIndex(of: UInt8(ascii: "1"))!
        bytes[i] = UInt8(ascii: "2")
        s.events[5] = StoredEvent(index: e.index, id: e.id, block: e.block, type: e.type, actor: e.actor, time: e.time, leafBytes: bytes)
        assertFails(s, full: false, at: location(e), "leaf bytes do not match the Merkle tree signed in block 2")
        assertFails(s, full: true, at: location(e), "leaf bytes do not match")
        XCTAssertEqual(location(e), "event \(e.id.hex) (index 5, block 2)")
        // Without the stored leaf hash to tell which, the block is named.
        s.nodes[MerkleNodeID(level: 0, index: 5)] = nil
        assertFails(s, full: false, at: "block 2", "events do not reproduce the signed Merkle root")
    }

    func testChangedHeaderSignatureNamesTheBlock() throws {
        let (f, _) = try fixture()
        let s = f.store.copy()
        var sig = s.blocks[2].signature
        sig[10] ^= 0x04
        s.blocks[2] = SealedBlock(header: s.blocks[2].header, signature: sig, checkpoint: s.blocks[2].checkpoint)
        assertFails(s, full: false, at: "block 2", "header signature does not verify under the sequencer key")
        // The genesis block's signature is checked too.
        let g = f.store.copy()
        g.blocks[0] = SealedBlock(header: g.blocks[0].header, signature: g.blocks[1].signature, checkpoint: g.blocks[0].checkpoint)
        assertFails(g, full: false, at: "block 0", "header signature")
    }

    func testChangedCheckpointNamesTheBlock() throws {
        let (f, _) = try fixture()
        let s = f.store.copy()
        let b1 = s.blocks[1]
        s.blocks[1] = SealedBlock(header: b1.header, signature: b1.signature,
                                  checkpoint: b1.checkpoint.replacingOccurrences(of: "\n4\n", with: "\n5\n"))
        XCTAssertNotEqual(s.blocks[1].checkpoint, b1.checkpoint)
        assertFails(s, full: false, at: "checkpoint of block 1", "not signed by the sequencer key")

        // A checkpoint the sequencer really signed, but for another tree than the header's.
        let t = f.store.copy()
        let other = try Checkpoint(origin: LedgerFixture.origin, size: 7, root: f.store.blocks[2].header.treeRoot).sign(with: f.sequencerKey)
        t.blocks[1] = SealedBlock(header: b1.header, signature: b1.signature, checkpoint: other.serialized)
        assertFails(t, full: false, at: "checkpoint of block 1", "size or root differs from the block header")
    }

    func testChangedMerkleNodeIsNamed() throws {
        let (f, _) = try fixture()
        let s = f.store.copy()
        s.nodes[MerkleNodeID(level: 1, index: 1)]![31] ^= 0x01
        assertFails(s, full: false, at: "stored Merkle node level 1 index 1", "hash differs from the one recomputed from the events")

        let missing = f.store.copy()
        missing.nodes[MerkleNodeID(level: 0, index: 3)] = nil
        assertFails(missing, full: false, at: "stored Merkle nodes", "1 of 11 are missing")

        let extra = f.store.copy()
        extra.nodes[MerkleNodeID(level: 0, index: 7)] = [UInt8](repeating: 0, count: 32)
        assertFails(extra, full: false, at: "stored Merkle node level 0 index 7", "is not part of the signed tree")
    }

    func testBrokenLinkNamesTheBlock() throws {
        let (f, _) = try fixture()
        let s = f.store.copy()
        let h = s.blocks[2].header
        // Even re-signed by the sequencer key, a header that does not link is refused.
        let forged = BlockHeader.block(ledgerID: h.ledgerID!, height: 2, previousHash: [UInt8](repeating: 0, count: 32),
                                       time: h.time, treeSize: h.treeSize, treeRoot: h.treeRoot)
        s.blocks[2] = SealedBlock(header: forged, signature: try f.sequencerKey.sign(forged.signingInput), checkpoint: s.blocks[2].checkpoint)
        assertFails(s, full: false, at: "block 2", "previous-hash link does not match block 1")

        let early = f.store.copy()
        let before = BlockHeader.block(ledgerID: h.ledgerID!, height: 2, previousHash: h.previousHash!,
                                       time: Timestamp("2026-11-29T04:59:00Z")!, treeSize: h.treeSize, treeRoot: h.treeRoot)
        early.blocks[2] = SealedBlock(header: before, signature: try f.sequencerKey.sign(before.signingInput), checkpoint: early.blocks[2].checkpoint)
        assertFails(early, full: false, at: "block 2", "is before block 1")
    }

    func testEventOutsideAnyBlock() throws {
        let (f, _) = try fixture()
        let s = f.store.copy()
        let e = try f.create("farm", "farm/raw-7", "1", "kg")
        s.events.append(StoredEvent(index: 7, id: e.id, block: 3, type: e.type, actor: e.actor, time: e.time, leafBytes: e.leafBytes))
        assertFails(s, full: false, at: "events table", "holds 8 events but the last block (2) commits to 7")
    }

    func testStoredColumnsCheckedByFullOnly() throws {
        let (f, _) = try fixture()
        let s = f.store.copy()
        let e = s.events[6]
        s.events[6] = StoredEvent(index: e.index, id: e.id, block: e.block, type: .lotRecall, actor: e.actor, time: e.time, leafBytes: e.leafBytes)
        XCTAssertNoThrow(try LedgerVerifier(store: s).verify(full: false))
        assertFails(s, full: true, at: location(e), "stored type, actor or time differs from its bytes")

        let wrongID = f.store.copy()
        let e2 = wrongID.events[3]
        let otherID = wrongID.events[2].id
        wrongID.events[3] = StoredEvent(index: e2.index, id: otherID, block: e2.block, type: e2.type, actor: e2.actor, time: e2.time, leafBytes: e2.leafBytes)
        XCTAssertNoThrow(try LedgerVerifier(store: wrongID).verify(full: false))
        assertFails(wrongID, full: true, at: "event \(otherID) (index 3, block 1)", "stored id differs from the id of its bytes")
    }

    func testDerivedTablesCheckedByFullOnly() throws {
        let (f, _) = try fixture()
        let s = f.store.copy()
        s.state.setHolding(HoldingKey(lot: LotID("farm/raw-1")!, holder: PartyID("farm")!), 1)
        XCTAssertNoThrow(try LedgerVerifier(store: s).verify(full: false))
        assertFails(s, full: true, at: "derived table holdings", "row farm/raw-1@farm differs from a replay of the events")

        let extra = f.store.copy()
        extra.state.setParty(PartyID("ghost")!, PartyRecord(role: .admin, name: "ghost", registeredBy: nil, revokedBy: nil))
        assertFails(extra, full: true, at: "derived table parties", "row ghost does not follow from the events")
    }

    func testEventTheRulesRefuseIsCaughtByFullReplay() throws {
        // A sequencer that seals an event with a bad signature: the tree and every sequencer
        // signature are consistent, so only the full replay finds it.
        let (f, _) = try fixture()
        let s = f.store.copy()
        let good = try f.create("farm", "farm/raw-8", "1", "kg")
        var sig = good.signature
        sig[1] ^= 0x01
        let bad = try EventEnvelope(parts: good.unsignedParts, signature: sig)
        var frontier = f.sequencer.frontier
        let nodes = frontier.append(leafHash: MerkleHash.leaf(bad.leafBytes))
        let prev = s.blocks[2].header
        let header = BlockHeader.block(ledgerID: f.ledgerID, height: 3, previousHash: prev.hash, time: prev.time,
                                       treeSize: frontier.size, treeRoot: frontier.root)
        let cp = try Checkpoint(origin: LedgerFixture.origin, size: frontier.size, root: frontier.root).sign(with: f.sequencerKey)
        try s.append(SealedBlock(header: header, signature: try f.sequencerKey.sign(header.signingInput), checkpoint: cp.serialized),
                     events: [StoredEvent(index: 7, id: bad.id, block: 3, type: bad.type, actor: bad.actor, time: bad.time, leafBytes: bad.leafBytes)],
                     nodes: nodes, state: s.state)
        XCTAssertNoThrow(try LedgerVerifier(store: s).verify(full: false))
        assertFails(s, full: true, at: "event \(bad.id) (index 7, block 3)", "would be refused: rule signature")
    }

    func testUntrustedSequencerKey() throws {
        let (f, _) = try fixture()
        let other = try PrivateKey.generate(.ed25519)
        do {
            _ = try LedgerVerifier(store: f.store, trustedSequencerKey: other.publicKey).verify(full: false)
            XCTFail("verified under another key")
        } catch {
            XCTAssertEqual(error.location, "block 0")
        }
    }

    func testDerivedRebuildEqualsTheSequencerState() throws {
        let (f, _) = try fixture()
        let rebuilt = try DerivedRebuild.rebuild(from: f.store)
        XCTAssertEqual(rebuilt.state, f.sequencer.state)
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: rebuilt.nodes.map { ($0.id, $0.hash) }), f.store.nodes)
        XCTAssertEqual(rebuilt.nodes.count, 11)

        // After a reindex from scratch the full verification still passes.
        let s = f.store.copy()
        s.state = LedgerState()
        s.nodes = [:]
        assertFails(s, full: false, at: "stored Merkle nodes", "11 of 11 are missing")
        try s.replaceDerived(state: rebuilt.state, nodes: rebuilt.nodes, links: rebuilt.links)
        XCTAssertNoThrow(try LedgerVerifier(store: s).verify(full: true))

        // A changed leaf stops the rebuild.
        let t = f.store.copy()
        let e = t.events[4]
        var bytes = e.leafBytes
        bytes[bytes.firstIndex(of: UInt8(ascii: "1"))!] = UInt8(ascii: "2")
        t.events[4] = StoredEvent(index: e.index, id: e.id, block: e.block, type: e.type, actor: e.actor, time: e.time, leafBytes: bytes)
        assertLedgerError(try DerivedRebuild.rebuild(from: t)) {
            if case .corrupt = $0 { return true } else { return false }
        }
    }
}
