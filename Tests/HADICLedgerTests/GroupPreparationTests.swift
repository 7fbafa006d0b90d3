import XCTest
import HADICCore
import HADICCrypto
@testable import HADICLedger

/// A replica prepares consecutive blocks together (one pass over the cores for all their
/// events): the result must be what preparing each block alone, keys carried from one to the
/// next, gives, including events signed with keys registered earlier in the same group.
final class GroupPreparationTests: XCTestCase {
    func testPreparingBlocksTogetherMatchesPreparingThemOneByOne() throws {
        let f = try LedgerFixture()
        _ = try f.buildStandardChain()
        let blocks = (1..<f.store.blocks.count).map { h in
            let start = f.store.blocks[h - 1].header.treeSize
            return (block: f.store.blocks[h], leaves: f.store.events.filter { $0.index >= start && $0.index < f.store.blocks[h].header.treeSize }.map(\.leafBytes))
        }
        XCTAssertGreaterThan(blocks.count, 1)
        let together = BlockFollower.prepare(blocks, keys: f.genesis.initialState.keys)
        var keys = f.genesis.initialState.keys
        let alone = blocks.map { b in
            let p = BlockFollower.prepare(b.block, leaves: b.leaves, keys: keys)
            keys = p.keysAfter
            return p
        }
        XCTAssertEqual(together.count, alone.count)
        for (t, a) in zip(together, alone) {
            XCTAssertEqual(t.block.header, a.block.header)
            XCTAssertEqual(t.leaves, a.leaves)
            XCTAssertEqual(t.parsed.map { (try? $0.get())?.id }, a.parsed.map { (try? $0.get())?.id })
            XCTAssertEqual(t.prechecks.map(\.valid), a.prechecks.map(\.valid), "block \(t.block.height)")
            XCTAssertEqual(t.prechecks.map(\.key), a.prechecks.map(\.key), "block \(t.block.height)")
            XCTAssertEqual(Set(t.keysAfter.keys), Set(a.keysAfter.keys), "block \(t.block.height)")
        }
        // Parties registered in block 1 sign in later blocks: their checks were made ahead, not left to admission.
        let later = together.dropFirst().flatMap(\.prechecks)
        XCTAssertFalse(later.isEmpty)
        XCTAssertTrue(later.allSatisfy { $0.valid == true }, "every later event was checked against the key an earlier block registered")

        let copy = InMemoryLedgerStore()
        try BlockFollower.bootstrap(store: copy, genesisBlock: f.store.blocks[0], ledgerID: f.ledgerID)
        try BlockFollower(store: copy).append(together)
        XCTAssertEqual(copy.blocks.map(\.header), f.store.blocks.map(\.header))
        XCTAssertEqual(copy.state, f.store.state)
    }
}
