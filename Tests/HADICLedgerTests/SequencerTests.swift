import XCTest
import HADICCore
import HADICCrypto
import HADICLedger

final class SequencerTests: XCTestCase {
    func testInitializeWritesGenesis() throws {
        let f = try LedgerFixture()
        XCTAssertEqual(f.store.blocks.count, 1)
        let g = f.store.blocks[0]
        XCTAssertEqual(g.height, 0)
        XCTAssertEqual(g.header.treeSize, 0)
        XCTAssertEqual(g.header.treeRoot, MerkleHash.emptyRoot)
        XCTAssertEqual(g.header.time, LedgerFixture.genesisTime)
        XCTAssertEqual(g.header.genesis, f.genesis)
        XCTAssertEqual(f.ledgerID, Hex.encode(g.header.hash))
        XCTAssertEqual(f.ledgerID, Hex.encode(SHA256.hash(Array("hadic-block-v1\n".utf8) + g.header.canonicalBytes)))
        XCTAssertTrue(f.sequencerKey.publicKey.isValidSignature(g.signature, for: g.header.signingInput))
        let cp = try Checkpoint.verify(signedNote: g.checkpoint, origin: LedgerFixture.origin, sequencerKey: f.sequencerKey.publicKey)
        XCTAssertEqual(cp, Checkpoint(origin: LedgerFixture.origin, size: 0, root: MerkleHash.emptyRoot))
        XCTAssertEqual(f.store.state, f.genesis.initialState)
        XCTAssertEqual(f.sequencer.state, f.genesis.initialState)
        XCTAssertEqual(f.sequencer.head.header, g.header)
        XCTAssertEqual(f.sequencer.frontier, MerkleFrontier())

        // Only once per store.
        assertLedgerError(try Sequencer.initialize(store: f.store, genesis: f.genesis, sequencerKey: f.sequencerKey,
                                                   time: LedgerFixture.genesisTime)) {
            if case .alreadyInitialized = $0 { return true } else { return false }
        }
    }

    func testInitializeAndOpenRefuseOtherKeys() throws {
        let f = try LedgerFixture()
        let other = try PrivateKey.generate(.ed25519)
        assertLedgerError(try Sequencer.initialize(store: InMemoryLedgerStore(), genesis: f.genesis, sequencerKey: other,
                                                   time: LedgerFixture.genesisTime)) {
            if case .wrongSequencerKey = $0 { return true } else { return false }
        }
        assertLedgerError(try Sequencer(store: f.store, key: other, clock: { LedgerFixture.genesisTime })) {
            if case .wrongSequencerKey = $0 { return true } else { return false }
        }
        // The admin's key is not the sequencer's either.
        assertLedgerError(try Sequencer(store: f.store, key: f.keys["admin"]!, clock: { LedgerFixture.genesisTime })) {
            if case .wrongSequencerKey = $0 { return true } else { return false }
        }
        assertLedgerError(try Sequencer(store: InMemoryLedgerStore(), key: f.sequencerKey, clock: { LedgerFixture.genesisTime })) {
            if case .notInitialized = $0 { return true } else { return false }
        }
    }

    func testBatchWithGoodAndBadEvents() throws {
        let f = try LedgerFixture()
        let genesisHash = f.store.blocks[0].header.hash
        let regFarm = try f.register("farm", .producer)
        let ghost = try f.create("ghost", "ghost/x", "1", "kg")
        let createRaw = try f.create("farm", "farm/raw-1", "100", "kg")
        let createAgain = try f.create("farm", "farm/raw-1", "5", "kg")
        let forgedAdmin = try f.register("ghost2", .producer)
        var sig = forgedAdmin.signature
        sig[0] ^= 0x80
        let badAdmin = try EventEnvelope(parts: forgedAdmin.unsignedParts, signature: sig)
        let farmOther = try f.create("farm", "farm/raw-9", "1", "kg")
        var sig2 = farmOther.signature
        sig2[63] ^= 0x01
        let badFarm = try EventEnvelope(parts: farmOther.unsignedParts, signature: sig2)
        let regMill = try f.register("mill", .processor)

        let inputs: [Result<EventEnvelope, AdmissionError>] = [
            .success(regFarm), .success(ghost), .failure(AdmissionError(.schema, "not valid JSON")), .success(createRaw),
            .success(createAgain), .success(badAdmin), .success(badFarm), .success(regMill), .success(regFarm),
        ]
        let results = try f.sequencer.submit(inputs)
        XCTAssertEqual(results.count, 9)
        XCTAssertEqual(try results[0].get(), Receipt(eventID: regFarm.id, leafIndex: 0, blockHeight: 1))
        XCTAssertEqual(results[1].rule, .unknownActor)
        XCTAssertEqual(results[2].rule, .schema)
        XCTAssertEqual(try results[3].get(), Receipt(eventID: createRaw.id, leafIndex: 1, blockHeight: 1))
        XCTAssertEqual(results[4].rule, .alreadyExists)
        XCTAssertEqual(results[5].rule, .signature)
        XCTAssertEqual(results[6].rule, .signature)
        XCTAssertEqual(try results[7].get(), Receipt(eventID: regMill.id, leafIndex: 2, blockHeight: 1))
        XCTAssertEqual(results[8].rule, .duplicate)

        // One block of exactly the three admitted events, in input order.
        XCTAssertEqual(f.store.appendCalls, 1)
        XCTAssertEqual(f.store.blocks.count, 2)
        XCTAssertEqual(f.store.events.map(\.id), [regFarm.id, createRaw.id, regMill.id])
        XCTAssertEqual(f.store.events.map(\.index), [0, 1, 2])
        XCTAssertEqual(f.store.events.map(\.block), [1, 1, 1])
        XCTAssertEqual(f.store.events.map(\.leafBytes), [regFarm.leafBytes, createRaw.leafBytes, regMill.leafBytes])
        XCTAssertEqual(f.store.events.map(\.type), [.partyRegister, .lotCreate, .partyRegister])
        for refused in [ghost, createAgain, badAdmin, badFarm] {
            XCTAssertFalse(try f.store.containsEvent(refused.id))
        }
        XCTAssertNil(f.sequencer.state.parties[PartyID("ghost2")!])
        XCTAssertNil(f.sequencer.state.lots[LotID("farm/raw-9")!])
        XCTAssertEqual(f.sequencer.state.holding(LotID("farm/raw-1")!, by: PartyID("farm")!), 100_000_000_000)
        XCTAssertEqual(f.sequencer.state.parties.count, 3)
        XCTAssertEqual(f.store.state, f.sequencer.state)

        // The header commits to the three leaves and links to genesis.
        let block = f.store.blocks[1]
        XCTAssertEqual(block.header.height, 1)
        XCTAssertEqual(block.header.previousHash, genesisHash)
        XCTAssertEqual(block.header.ledgerID, f.ledgerID)
        XCTAssertEqual(block.header.time, f.clock.now)
        XCTAssertEqual(block.header.treeSize, 3)
        let leaves = [regFarm, createRaw, regMill].map { MerkleHash.leaf($0.leafBytes) }
        XCTAssertEqual(block.header.treeRoot, MerkleHash.node(MerkleHash.node(leaves[0], leaves[1]), leaves[2]))
        XCTAssertTrue(f.sequencerKey.publicKey.isValidSignature(block.signature, for: block.header.signingInput))
        let cp = try Checkpoint.verify(signedNote: block.checkpoint, origin: LedgerFixture.origin, sequencerKey: f.sequencerKey.publicKey)
        XCTAssertEqual(cp.size, 3)
        XCTAssertEqual(cp.root, block.header.treeRoot)
        XCTAssertEqual(Set(f.store.nodes.keys), [MerkleNodeID(level: 0, index: 0), MerkleNodeID(level: 0, index: 1),
                                                  MerkleNodeID(level: 0, index: 2), MerkleNodeID(level: 1, index: 0)])
        XCTAssertEqual(f.sequencer.head.header, block.header)
    }

    func testSecondBatchLinksToTheFirst() throws {
        let f = try LedgerFixture()
        let events = try f.buildStandardChain()
        XCTAssertEqual(f.store.blocks.count, 3)
        let b1 = f.store.blocks[1], b2 = f.store.blocks[2]
        XCTAssertEqual(b2.header.previousHash, b1.header.hash)
        XCTAssertEqual(b2.header.height, 2)
        XCTAssertEqual(b1.header.treeSize, 4)
        XCTAssertEqual(b2.header.treeSize, 7)
        XCTAssertEqual(b2.header.time, Timestamp("2026-11-29T05:01:00Z"))
        XCTAssertEqual(f.store.events.map(\.id), events.map(\.id))
        XCTAssertEqual(f.store.events.map(\.block), [1, 1, 1, 1, 2, 2, 2])

        // A third batch continues the leaf indices; an old event is now a duplicate.
        f.clock.now = Timestamp("2026-11-29T05:02:00Z")!
        let recall = try f.event("farm", .lotRecall, ["lot": "farm/raw-2", "reason": "test"])
        let results = try f.submit([events[2], recall, recall])
        XCTAssertEqual(results[0].rule, .duplicate)
        XCTAssertEqual(try results[1].get(), Receipt(eventID: recall.id, leafIndex: 7, blockHeight: 3))
        XCTAssertEqual(results[2].rule, .duplicate, "the same event twice in one batch")
        XCTAssertEqual(f.store.blocks[3].header.previousHash, b2.header.hash)
        XCTAssertEqual(f.store.blocks[3].header.treeSize, 8)
    }

    func testBatchWithNothingAdmittedMakesNoBlock() throws {
        let f = try LedgerFixture()
        try f.buildStandardChain()
        let head = f.sequencer.head
        let calls = f.store.appendCalls
        let results = try f.sequencer.submit([.failure(AdmissionError(.tooLarge, "x")), .success(try f.create("mill", "farm/x", "1", "kg"))])
        XCTAssertEqual(results.map(\.rule), [.tooLarge, .namespace])
        XCTAssertEqual(try f.sequencer.submit([]).count, 0)
        XCTAssertEqual(f.store.appendCalls, calls)
        XCTAssertEqual(f.sequencer.head.header, head.header)
        XCTAssertEqual(f.store.blocks.count, 3)
    }

    func testBlockTimeNeverGoesBackwards() throws {
        let f = try LedgerFixture()
        try f.buildStandardChain()
        let headTime = f.sequencer.head.header.time
        f.clock.now = Timestamp("2026-11-29T04:30:00Z")!  // the clock jumped back
        let e = try f.create("farm", "farm/raw-3", "1", "kg")
        _ = try f.submit([e])[0].get()
        XCTAssertEqual(f.sequencer.head.header.time, headTime)
        XCTAssertEqual(f.sequencer.head.height, 3)
    }

    func testFailedSealLeavesNoTrace() throws {
        let f = try LedgerFixture()
        try f.buildStandardChain()
        let before = f.sequencer.state
        let head = f.sequencer.head
        let e = try f.create("farm", "farm/raw-3", "1", "kg")
        f.store.failAppend = true
        assertLedgerError(try f.submit([e])) { $0 == .storage("disk full") }
        XCTAssertEqual(f.sequencer.state, before)
        XCTAssertEqual(f.sequencer.head.header, head.header)
        XCTAssertEqual(f.sequencer.frontier.size, 7)
        f.store.failAppend = false
        XCTAssertEqual(try f.submit([e])[0].get(), Receipt(eventID: e.id, leafIndex: 7, blockHeight: 3))
        XCTAssertEqual(f.sequencer.state.holding(LotID("farm/raw-3")!, by: PartyID("farm")!), 1_000_000_000)
    }

    func testReopenResumesAtTheSameHead() throws {
        let f = try LedgerFixture()
        try f.buildStandardChain()
        let again = try Sequencer(store: f.store, key: f.sequencerKey, clock: { Timestamp("2026-11-29T06:00:00Z")! })
        XCTAssertEqual(again.head.header, f.sequencer.head.header)
        XCTAssertEqual(again.frontier, f.sequencer.frontier)
        XCTAssertEqual(again.state, f.sequencer.state)
        XCTAssertEqual(again.ledgerID, f.ledgerID)
    }

    func testOpenRefusesAlteredMerkleNode() throws {
        let f = try LedgerFixture()
        try f.buildStandardChain()
        // Tree of 7: the edge is level 2 index 0, level 1 index 2, level 0 index 6.
        XCTAssertEqual(MerkleFrontier.edgeNodeIDs(size: 7), [MerkleNodeID(level: 2, index: 0), MerkleNodeID(level: 1, index: 2),
                                                             MerkleNodeID(level: 0, index: 6)])
        let altered = f.store.copy()
        altered.nodes[MerkleNodeID(level: 1, index: 2)]![0] ^= 0xFF
        assertLedgerError(try Sequencer(store: altered, key: f.sequencerKey, clock: { LedgerFixture.genesisTime })) {
            if case .corrupt(let s) = $0 { return s.contains("do not reproduce the root signed in block 2") } else { return false }
        }
        let missing = f.store.copy()
        missing.nodes[MerkleNodeID(level: 2, index: 0)] = nil
        assertLedgerError(try Sequencer(store: missing, key: f.sequencerKey, clock: { LedgerFixture.genesisTime })) {
            $0 == .corrupt("stored Merkle node level 2 index 0 is missing")
        }
        // The untouched store still opens.
        XCTAssertNoThrow(try Sequencer(store: f.store, key: f.sequencerKey, clock: { LedgerFixture.genesisTime }))
    }

    func testKeyRegisteredAndUsedInOneBatch() throws {
        // The parallel precheck knows no key for a party registered in the same batch; the
        // rules then verify in order, and a rotation inside the batch is honoured.
        let f = try LedgerFixture()
        let reg = try f.register("farm", .producer)
        let old = f.keys["farm"]!
        let new = try PrivateKey.generate(.ed25519)
        let rotate = try f.event("admin", .partyRotateKey, ["party": "farm", "public_key": .string(Base64.encode(new.publicKey.spkiDER)),
                                                            "retire": [.string(old.publicKey.keyID)]])
        let withOld = try f.event("farm", .lotCreate, ["lot": "farm/a", "product": "p", "class": "c", "quantity": ["amount": "1", "unit": "kg"]], key: old)
        let withNew = try f.event("farm", .lotCreate, ["lot": "farm/b", "product": "p", "class": "c", "quantity": ["amount": "1", "unit": "kg"]], key: new)
        let withOldAfter = try f.event("farm", .lotCreate, ["lot": "farm/a2", "product": "p", "class": "c", "quantity": ["amount": "1", "unit": "kg"]], key: old)
        let results = try f.submit([reg, withOld, rotate, withOldAfter, withNew])
        XCTAssertNotNil(try? results[0].get())
        XCTAssertEqual(try results[1].get().leafIndex, 1)
        XCTAssertNotNil(try? results[2].get())
        XCTAssertEqual(results[3].rule, .keyNotAuthorized)
        XCTAssertEqual(try results[4].get().leafIndex, 3)
        // In the next batch the old key is refused even though it signed validly.
        let late = try f.event("farm", .lotCreate, ["lot": "farm/c", "product": "p", "class": "c", "quantity": ["amount": "1", "unit": "kg"]], key: old)
        XCTAssertEqual(try f.submit([late])[0].rule, .keyNotAuthorized)
    }
}

final class SequencerConsistencyTests: XCTestCase {
    /// The Yeti 2022 failure: a stored hash goes bad after it was written. The sequencer must
    /// find it while proving the new tree consistent with its last checkpoint, and sign nothing.
    func testAStoredHashThatWentBadStopsTheSequencerBeforeItSigns() throws {
        let f = try LedgerFixture()
        let first = try f.submit([try f.register("farm", .producer), try f.create("farm", "farm/raw-1", "100", "kg"),
                                  try f.create("farm", "farm/raw-2", "100", "kg")])
        XCTAssertEqual(first.filter { (try? $0.get()) != nil }.count, 3)
        XCTAssertEqual(f.sequencer.head.header.treeSize, 3)
        // Unchanged, the next block is signed: the check passes on a sound tree.
        XCTAssertNoThrow(try f.submit([try f.create("farm", "farm/raw-3", "1", "kg")]))
        XCTAssertEqual(f.sequencer.head.header.treeSize, 4)
        // The stored root of the first four leaves (level 2, index 0): the stored tree no longer
        // gives the root signed at size 4.
        try assertRefusedAfterFlipping(MerkleNodeID(level: 2, index: 0), in: f, size: 4)
    }

    func testAFlippedHashOnTheConsistencyProofsPathIsFound() throws {
        let f = try LedgerFixture()
        _ = try f.submit([try f.register("farm", .producer), try f.create("farm", "farm/raw-1", "100", "kg"),
                          try f.create("farm", "farm/raw-2", "100", "kg")])
        // 3 -> 4 reads the leaf hash of index 2 and the node over leaves 0-1.
        try assertRefusedAfterFlipping(MerkleNodeID(level: 0, index: 2), in: f, size: 3)
        let g = try LedgerFixture()
        _ = try g.submit([try g.register("farm", .producer), try g.create("farm", "farm/raw-1", "100", "kg"),
                          try g.create("farm", "farm/raw-2", "100", "kg")])
        try assertRefusedAfterFlipping(MerkleNodeID(level: 1, index: 0), in: g, size: 3)
    }

    private func assertRefusedAfterFlipping(_ target: MerkleNodeID, in f: LedgerFixture, size: UInt64, line: UInt = #line) throws {
        var bad = try XCTUnwrap(f.store.nodes[target], line: line)
        bad[7] ^= 0x01
        f.store.nodes[target] = bad
        let blocksBefore = f.store.blocks.count
        assertLedgerError(try f.submit([try f.create("farm", "farm/raw-9", "1", "kg")]), line: line) {
            if case .corrupt(let why) = $0 { return why.contains("consistent") && why.contains("nothing was signed") } else { return false }
        }
        XCTAssertEqual(f.store.blocks.count, blocksBefore, "no block was written", line: line)
        XCTAssertEqual(f.sequencer.head.header.treeSize, size, "the head did not move", line: line)
    }
}
