import Foundation
import XCTest
import HADICCore
import HADICCrypto
import HADICLedger
import HADICStore

/// A unique directory under the system temporary directory, removed on deinit.
final class ScratchDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("hadic-store-tests-\(UUID().uuidString)", isDirectory: true).path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    }

    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

final class StoreClock {
    var now = Timestamp("2026-11-29T05:00:00Z")!
}

/// A ledger sequenced into a real SQLite file, with signing helpers.
final class SQLiteFixture {
    static let origin = "example.org/hadic/store-test"

    let dir: ScratchDirectory
    let sequencerKey: PrivateKey
    let genesis: Genesis
    let clock = StoreClock()
    var store: SQLiteLedgerStore
    var sequencer: Sequencer
    var keys: [String: PrivateKey] = [:]

    var ledgerFile: String { dir.file("ledger.sqlite") }

    init() throws {
        dir = try ScratchDirectory()
        sequencerKey = try PrivateKey.generate(.ed25519)
        let admin = try PrivateKey.generate(.ed25519)
        keys["admin"] = admin
        genesis = try Genesis(origin: SQLiteFixture.origin, sequencerKey: sequencerKey.publicKey,
                              admins: [GenesisAdmin(party: PartyID("admin")!, publicKey: admin.publicKey)])
        store = try SQLiteLedgerStore(path: dir.file("ledger.sqlite"))
        try Sequencer.initialize(store: store, genesis: genesis, sequencerKey: sequencerKey, time: Timestamp("2026-11-29T04:00:00Z")!)
        let clock = self.clock
        sequencer = try Sequencer(store: store, key: sequencerKey, clock: { clock.now })
    }

    /// Closes nothing explicitly (GRDB closes on deinit) but opens a new store and sequencer on the file.
    func reopen() throws {
        store = try SQLiteLedgerStore(path: ledgerFile)
        let clock = self.clock
        sequencer = try Sequencer(store: store, key: sequencerKey, clock: { clock.now })
    }

    func event(_ actor: String, _ type: EventType, _ body: JSONValue, key: PrivateKey? = nil) throws -> EventEnvelope {
        let k = try key ?? keys[actor] ?? PrivateKey.generate(.ed25519)
        return try EventEnvelope.Unsigned(ledger: sequencer.ledgerID, type: type, actor: PartyID(actor)!, keyID: k.publicKey.keyID,
                                          time: clock.now, body: body).signed(with: k)
    }

    func register(_ party: String, _ role: Role) throws -> EventEnvelope {
        let k = try PrivateKey.generate(.ed25519)
        keys[party] = k
        return try event("admin", .partyRegister, ["party": .string(party), "name": .string(party), "role": .string(role.rawValue),
                                                    "public_key": .string(Base64.encode(k.publicKey.spkiDER))])
    }

    static func qty(_ amount: String, _ unit: String) -> JSONValue { ["amount": .string(amount), "unit": .string(unit)] }

    @discardableResult
    func submit(_ events: [EventEnvelope]) throws -> [Receipt] {
        try sequencer.submit(events.map { .success($0) }).map { try $0.get() }
    }

    /// Every derived table gets rows: parties, keys (one retired), lots, holdings, containment,
    /// shipments and lines, certificates, incidents (one resolved), a recall.
    func buildRichChain() throws {
        try submit([try register("farm", .producer), try register("mill", .processor), try register("cert", .certifier)])
        let sscc = "urn:epc:id:sscc:0614141.1234567890"
        try submit([
            try event("farm", .lotCreate, ["lot": "farm/raw-1", "product": "wheat", "class": "grain", "quantity": Self.qty("100", "kg")]),
            try event("farm", .lotTransform, ["inputs": [["lot": "farm/raw-1", "quantity": Self.qty("40", "kg")]],
                                              "outputs": [["lot": "farm/flour-1", "product": "flour", "class": "wheat", "quantity": Self.qty("35.5", "kg")]]]),
            try event("cert", .certIssue, ["number": "MUI-1", "holder": "mill", "scope": ["products": ["flour"]],
                                           "valid_from": "2026-01-01T00:00:00Z", "valid_until": "2027-01-01T00:00:00Z"]),
        ])
        clock.now = Timestamp("2026-11-29T05:10:00Z")!
        let ship = try event("farm", .custodyShip, ["to": "mill", "lots": [["lot": "farm/flour-1", "quantity": Self.qty("10", "kg")]]])
        let rec = try event("mill", .custodyReceive, ["shipment": .string(ship.id.hex), "lots": [["lot": "farm/flour-1", "quantity": Self.qty("10000", "g")]]])
        let agg = try event("mill", .lotAggregate, ["parent": .string(sscc), "children": [["lot": "farm/flour-1", "quantity": Self.qty("4", "kg")]]])
        let inc = try event("cert", .lotIncident, ["lot": "farm/raw-1", "kind": "contamination", "description": "x"])
        try submit([ship, rec, agg, inc])
        let newFarm = try PrivateKey.generate(.ed25519)
        try submit([
            try event("mill", .lotDisaggregate, ["parent": .string(sscc), "children": [["lot": "farm/flour-1", "quantity": Self.qty("1.5", "kg")]]]),
            try event("farm", .lotIncident, ["lot": "farm/raw-1", "kind": "resolution", "description": "ok", "resolves": .string(inc.id.hex)]),
            try event("cert", .certSuspend, ["number": "MUI-1", "reason": "audit"]),
            try event("farm", .lotRecall, ["lot": "farm/raw-1", "reason": "contamination"]),
            try event("admin", .partyRotateKey, ["party": "farm", "public_key": .string(Base64.encode(newFarm.publicKey.spkiDER)),
                                                 "retire": [.string(keys["farm"]!.publicKey.keyID)]]),
        ])
        keys["farm"] = newFarm
    }
}

/// Asserts that `body` throws and that the error's description contains `text`.
func assertThrows(_ body: @autoclosure () throws -> Void, containing text: String,
                  file: StaticString = #filePath, line: UInt = #line) {
    do {
        try body()
        XCTFail("expected an error containing \"\(text)\"", file: file, line: line)
    } catch {
        XCTAssertTrue("\(error)".contains(text), "\(error)", file: file, line: line)
    }
}
