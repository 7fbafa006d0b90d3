import XCTest
import HADICCore
import HADICCrypto
import HADICLedger

/// A replica's block checks, in process: what a sequencer sealed is stored as it was; a block
/// signed by another key, unlinked or with an altered event is refused with nothing of it
/// stored; in a group, the blocks before a bad one are stored.
final class BlockFollowerTests: XCTestCase {
    private func replicate(_ f: LedgerFixture) throws -> BlockFollower {
        let copy = InMemoryLedgerStore()
        try BlockFollower.bootstrap(store: copy, genesisBlock: f.store.blocks[0], ledgerID: f.ledgerID)
        return try BlockFollower(store: copy)
    }

    private func leaves(_ f: LedgerFixture, _ height: Int) -> [[UInt8]] {
        let block = f.store.blocks[height]
        let start = f.store.blocks[height - 1].header.treeSize
        return f.store.events.filter { $0.index >= start && $0.index < block.header.treeSize }.map(\.leafBytes)
    }

    func testWhatTheSequencerSealedIsStoredAsItWas() throws {
        let f = try LedgerFixture()
        _ = try f.buildStandardChain()
        let follower = try replicate(f)
        let prepared = (1..<f.store.blocks.count).map { h in
            BlockFollower.prepare(f.store.blocks[h], leaves: leaves(f, h), keys: f.genesis.initialState.keys)
        }
        try follower.append(prepared)
        let copy = try XCTUnwrap(follower.store as? InMemoryLedgerStore)
        XCTAssertEqual(copy.blocks.map(\.header), f.store.blocks.map(\.header))
        XCTAssertEqual(copy.events.map(\.leafBytes), f.store.events.map(\.leafBytes))
        XCTAssertEqual(copy.nodes, f.store.nodes)
        XCTAssertEqual(copy.state, f.store.state)
        XCTAssertTrue(follower.nodeKeys.contains(f.sequencerKey.publicKey))
    }

    func testBootstrapRefusesAGenesisOfAnotherLedger() throws {
        let f = try LedgerFixture(), g = try LedgerFixture()
        XCTAssertThrowsError(try BlockFollower.bootstrap(store: InMemoryLedgerStore(), genesisBlock: g.store.blocks[0], ledgerID: f.ledgerID)) {
            XCTAssertTrue("\($0)".contains("wrong ledger"), "\($0)")
        }
    }

    func testABadBlockIsRefusedAndTheBlocksBeforeItInTheGroupAreStored() throws {
        let f = try LedgerFixture()
        _ = try f.buildStandardChain()
        _ = try f.submit([try f.create("farm", "farm/raw-3", "1", "kg")])
        XCTAssertEqual(f.store.blocks.count, 4)
        let keys = f.genesis.initialState.keys
        func prepared(_ h: Int, signature: [UInt8]? = nil, leaves altered: [[UInt8]]? = nil) -> BlockFollower.PreparedBlock {
            let b = f.store.blocks[h]
            let block = SealedBlock(header: b.header, signature: signature ?? b.signature, checkpoint: b.checkpoint)
            return BlockFollower.prepare(block, leaves: altered ?? leaves(f, h), keys: keys)
        }
        // Block 2 re-signed by another key.
        let other = try PrivateKey.generate(.ed25519)
        var follower = try replicate(f)
        XCTAssertThrowsError(try follower.append([prepared(1), prepared(2, signature: try other.sign(f.store.blocks[2].header.signingInput)), prepared(3)])) {
            XCTAssertEqual($0 as? ReplicationError, .badSignature(height: 2, what: "the header signature"))
        }
        XCTAssertEqual(follower.head.height, 1, "block 1 was stored, nothing from block 2 on")
        XCTAssertEqual((follower.store as? InMemoryLedgerStore)?.blocks.count, 2)
        // Then the real block 2 follows on.
        try follower.append([prepared(2), prepared(3)])
        XCTAssertEqual(follower.head.height, 3)

        // An event of block 2 altered (its signature no longer verifies; the root would not match either).
        follower = try replicate(f)
        var bad = leaves(f, 2)
        bad[0] = Array(String(decoding: bad[0], as: UTF8.self).replacingOccurrences(of: "\"10\"", with: "\"11\"").utf8)
        XCTAssertNotEqual(bad[0], leaves(f, 2)[0])
        XCTAssertThrowsError(try follower.append([prepared(1), prepared(2, leaves: bad)])) {
            guard case .badEvent(let height, _, _)? = $0 as? ReplicationError else { return XCTFail("\($0)") }
            XCTAssertEqual(height, 2)
        }
        XCTAssertEqual(follower.head.height, 1)
        // A block out of order.
        XCTAssertThrowsError(try follower.append([prepared(3)])) {
            XCTAssertEqual($0 as? ReplicationError, .outOfOrder(expected: 2, got: 3))
        }
        // The state after a refusal is the stored one: the good block 2 still applies.
        try follower.append(prepared(2))
        XCTAssertEqual(follower.head.height, 2)
    }
}
