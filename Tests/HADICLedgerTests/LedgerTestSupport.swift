import XCTest
import HADICCore
import HADICCrypto
import HADICLedger

/// A ``LedgerStore`` in memory, with its rows open to tests that play an attacker.
final class InMemoryLedgerStore: LedgerStore {
    var blocks: [SealedBlock] = []
    /// Stored events by leaf index (events[i].index == i unless a test tampers with it).
    var events: [StoredEvent] = []
    var nodes: [MerkleNodeID: [UInt8]] = [:]
    var state = LedgerState()
    var appendCalls = 0
    /// When set, append() fails before writing anything (a full disk, say).
    var failAppend = false

    func copy() -> InMemoryLedgerStore {
        let c = InMemoryLedgerStore()
        c.blocks = blocks
        c.events = events
        c.nodes = nodes
        c.state = state
        return c
    }

    func block(at height: UInt64) throws -> SealedBlock? { height < UInt64(blocks.count) ? blocks[Int(height)] : nil }
    func latestBlock() throws -> SealedBlock? { blocks.last }
    func containsEvent(_ id: EventID) throws -> Bool { events.contains { $0.id == id } }
    func event(id: EventID) throws -> StoredEvent? { events.first { $0.id == id } }
    func event(at index: UInt64) throws -> StoredEvent? { events.first { $0.index == index } }
    func leaves(in range: Range<UInt64>) throws -> [[UInt8]] { try events(in: range).map(\.leafBytes) }
    func events(in range: Range<UInt64>) throws -> [StoredEvent] {
        events.filter { range.contains($0.index) }.sorted { $0.index < $1.index }
    }
    func eventCount() throws -> UInt64 { UInt64(events.count) }
    func merkleNode(_ id: MerkleNodeID) throws -> [UInt8]? { nodes[id] }
    func forEachMerkleNode(_ body: (MerkleNode) throws -> Void) throws {
        for id in nodes.keys.sorted() { try body(MerkleNode(id: id, hash: nodes[id]!)) }
    }
    func loadState() throws -> LedgerState {
        var s = state
        s.clearTouched()
        return s
    }
    func initialize(genesis: SealedBlock, state: LedgerState) throws {
        guard blocks.isEmpty else { throw LedgerError.alreadyInitialized("in-memory store already holds a ledger") }
        blocks = [genesis]
        self.state = state
    }
    func append(_ block: SealedBlock, events: [StoredEvent], nodes: [MerkleNode], state: LedgerState) throws {
        appendCalls += 1
        if failAppend { throw LedgerError.storage("disk full") }
        // Like the SQLite primary keys: nothing written twice.
        guard block.height == UInt64(blocks.count) else { throw LedgerError.storage("block \(block.height) out of order") }
        for n in nodes where self.nodes[n.id] != nil { throw LedgerError.storage("node \(n.id) already stored") }
        blocks.append(block)
        self.events.append(contentsOf: events)
        for n in nodes { self.nodes[n.id] = n.hash }
        self.state = state
    }
    /// The provenance index of this store is kept with its events (the protocol's default), so
    /// only the state and the nodes are replaced.
    func replaceDerived(state: LedgerState, nodes: [MerkleNode], links: [LotLink]) throws {
        self.state = state
        self.nodes = Dictionary(uniqueKeysWithValues: nodes.map { ($0.id, $0.hash) })
    }
}

final class TestClock {
    var now: Timestamp
    init(_ now: Timestamp) { self.now = now }
}

/// A ledger with one admin, a sequencer over an in-memory store, and helpers to sign events.
final class LedgerFixture {
    static let origin = "example.org/hadic/test"
    static let genesisTime = Timestamp("2026-11-29T04:00:00Z")!

    let sequencerKey: PrivateKey
    let genesis: Genesis
    let store: InMemoryLedgerStore
    let clock = TestClock(Timestamp("2026-11-29T05:00:00Z")!)
    let sequencer: Sequencer
    var keys: [String: PrivateKey] = [:]

    init() throws {
        sequencerKey = try PrivateKey.generate(.ed25519)
        let admin = try PrivateKey.generate(.ed25519)
        keys["admin"] = admin
        genesis = try Genesis(origin: LedgerFixture.origin, sequencerKey: sequencerKey.publicKey,
                              admins: [GenesisAdmin(party: PartyID("admin")!, publicKey: admin.publicKey)])
        store = InMemoryLedgerStore()
        try Sequencer.initialize(store: store, genesis: genesis, sequencerKey: sequencerKey, time: LedgerFixture.genesisTime)
        let clock = self.clock
        sequencer = try Sequencer(store: store, key: sequencerKey, clock: { clock.now })
    }

    var ledgerID: String { sequencer.ledgerID }

    func event(_ actor: String, _ type: EventType, _ body: JSONValue, key: PrivateKey? = nil) throws -> EventEnvelope {
        let k = try key ?? keys[actor] ?? PrivateKey.generate(.ed25519)
        return try EventEnvelope.Unsigned(ledger: ledgerID, type: type, actor: PartyID(actor)!, keyID: k.publicKey.keyID,
                                          time: clock.now, body: body).signed(with: k)
    }

    /// A party.register by the admin; the key is remembered for later events.
    func register(_ party: String, _ role: Role) throws -> EventEnvelope {
        let k = try PrivateKey.generate(.ed25519)
        keys[party] = k
        return try event("admin", .partyRegister, ["party": .string(party), "name": .string(party), "role": .string(role.rawValue),
                                                    "public_key": .string(Base64.encode(k.publicKey.spkiDER))])
    }

    func create(_ actor: String, _ lot: String, _ amount: String, _ unit: String) throws -> EventEnvelope {
        try event(actor, .lotCreate, ["lot": .string(lot), "product": "flour", "class": "wheat",
                                      "quantity": ["amount": .string(amount), "unit": .string(unit)]])
    }

    func ship(_ actor: String, to: String, _ lot: String, _ amount: String, _ unit: String) throws -> EventEnvelope {
        try event(actor, .custodyShip, ["to": .string(to), "lots": [["lot": .string(lot), "quantity": ["amount": .string(amount), "unit": .string(unit)]]]])
    }

    func receive(_ actor: String, _ shipment: EventID, _ lot: String, _ amount: String, _ unit: String) throws -> EventEnvelope {
        try event(actor, .custodyReceive, ["shipment": .string(shipment.hex),
                                           "lots": [["lot": .string(lot), "quantity": ["amount": .string(amount), "unit": .string(unit)]]]])
    }

    func submit(_ events: [EventEnvelope]) throws -> [Result<Receipt, AdmissionError>] {
        try sequencer.submit(events.map { .success($0) })
    }

    /// Three blocks: genesis; block 1 with 4 events (two registrations, two lots); block 2 with
    /// 3 events (ship, receive, inspect). Returns the 7 admitted events in ledger order.
    @discardableResult
    func buildStandardChain() throws -> [EventEnvelope] {
        let b1 = [try register("farm", .producer), try register("mill", .processor)]
        let lots = [try create("farm", "farm/raw-1", "100", "kg"), try create("farm", "farm/raw-2", "5", "kg")]
        let r1 = try submit(b1 + lots)
        for r in r1 { _ = try r.get() }
        clock.now = Timestamp("2026-11-29T05:01:00Z")!
        let ship = try ship("farm", to: "mill", "farm/raw-1", "10", "kg")
        let rec = try receive("mill", ship.id, "farm/raw-1", "10000", "g")
        let inspect = try event("farm", .lotInspect, ["lot": "farm/raw-2", "test": "porcine-dna-pcr", "result": "negative"])
        let r2 = try submit([ship, rec, inspect])
        for r in r2 { _ = try r.get() }
        return b1 + lots + [ship, rec, inspect]
    }
}

extension Result where Failure == AdmissionError {
    var rule: AdmissionRule? {
        if case .failure(let e) = self { return e.rule }
        return nil
    }
}

/// Asserts that `body` throws a LedgerError matching `matches`.
func assertLedgerError(_ body: @autoclosure () throws -> Any, file: StaticString = #filePath, line: UInt = #line,
                       _ matches: (LedgerError) -> Bool) {
    do {
        _ = try body()
        XCTFail("expected a LedgerError", file: file, line: line)
    } catch let e as LedgerError {
        XCTAssertTrue(matches(e), "unexpected \(e)", file: file, line: line)
    } catch {
        XCTFail("expected a LedgerError, got \(error)", file: file, line: line)
    }
}
