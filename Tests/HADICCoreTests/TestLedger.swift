import XCTest
import HADICCore
import HADICCrypto

/// An in-memory ledger for admission tests: a state with one genesis-like admin, the admission
/// rules of one ledger id, and helpers to sign events and run check()/apply() on them.
final class TestLedger {
    static let ledgerID = String(repeating: "ab", count: 32)
    static let now = Timestamp("2026-11-29T05:00:00Z")!

    let admission = Admission(ledgerID: TestLedger.ledgerID)
    var state = LedgerState()
    var keys: [PartyID: PrivateKey] = [:]
    var known = Set<EventID>()
    let admin = PartyID("admin")!

    init() throws {
        let adminKey = try PrivateKey.generate(.ed25519)
        keys[admin] = adminKey
        state.setParty(admin, PartyRecord(role: .admin, name: "admin", registeredBy: nil, revokedBy: nil))
        state.setKey(adminKey.publicKey.keyID, KeyRecord(party: admin, publicKey: adminKey.publicKey, addedBy: nil, retiredBy: nil))
        state.clearTouched()
    }

    func key(_ party: String) -> PrivateKey { keys[PartyID(party)!]! }

    /// A signed envelope by `actor` (its current key unless `key` is given).
    func event(_ actor: String, _ type: EventType, _ body: JSONValue, key: PrivateKey? = nil,
               time: Timestamp = TestLedger.now, ledger: String = TestLedger.ledgerID) throws -> EventEnvelope {
        let k = try key ?? keys[PartyID(actor)!] ?? PrivateKey.generate(.ed25519)
        let parts = try EventEnvelope.Unsigned(ledger: ledger, type: type, actor: PartyID(actor)!, keyID: k.publicKey.keyID,
                                               time: time, body: body)
        return try parts.signed(with: k)
    }

    /// Runs the admission check against the current state.
    func check(_ e: EventEnvelope, now: Timestamp = TestLedger.now) throws(AdmissionError) {
        let known = self.known
        try admission.check(e, in: state, now: now) { known.contains($0) }
    }

    /// Checks and applies; fails the test (by throwing) if the event is refused.
    @discardableResult
    func admit(_ e: EventEnvelope, file: StaticString = #filePath, line: UInt = #line) throws -> EventEnvelope {
        do {
            try check(e)
        } catch {
            XCTFail("expected \(e.type.rawValue) by \(e.actor) to be admitted, got \(error)", file: file, line: line)
            throw error
        }
        Admission.apply(e, to: &state)
        known.insert(e.id)
        return e
    }

    /// Signs, checks and applies.
    @discardableResult
    func admit(_ actor: String, _ type: EventType, _ body: JSONValue, key: PrivateKey? = nil,
               file: StaticString = #filePath, line: UInt = #line) throws -> EventEnvelope {
        try admit(try event(actor, type, body, key: key), file: file, line: line)
    }

    /// Registers a party through a `party.register` event signed by the admin; returns its key.
    @discardableResult
    func register(_ party: String, _ role: Role) throws -> PrivateKey {
        let k = try PrivateKey.generate(.ed25519)
        try admit("admin", .partyRegister, Bodies.register(party, role, k.publicKey))
        keys[PartyID(party)!] = k
        return k
    }

    /// Asserts that check() refuses `e` with exactly `rule`, and that the state did not change.
    func assertRefused(_ e: EventEnvelope, _ rule: AdmissionRule, now: Timestamp = TestLedger.now,
                       file: StaticString = #filePath, line: UInt = #line) {
        let before = state
        let knownBefore = known
        do {
            try check(e, now: now)
            XCTFail("expected rule \(rule.rawValue), but the event was admitted", file: file, line: line)
        } catch {
            XCTAssertEqual(error.rule, rule, "\(error)", file: file, line: line)
        }
        XCTAssertTrue(state == before, "state changed by a refused event", file: file, line: line)
        XCTAssertEqual(known, knownBefore, file: file, line: line)
    }
}

/// Bodies of each event type, as JSON.
enum Bodies {
    static func qty(_ amount: String, _ unit: String) -> JSONValue { ["amount": .string(amount), "unit": .string(unit)] }

    static func line(_ lot: String, _ amount: String, _ unit: String) -> JSONValue {
        ["lot": .string(lot), "quantity": qty(amount, unit)]
    }

    static func register(_ party: String, _ role: Role, _ key: PublicKey) -> JSONValue {
        ["party": .string(party), "name": .string("Party \(party)"), "role": .string(role.rawValue),
         "public_key": .string(Base64.encode(key.spkiDER))]
    }

    static func rotate(_ party: String, _ key: PublicKey, retire: [String] = []) -> JSONValue {
        ["party": .string(party), "public_key": .string(Base64.encode(key.spkiDER)), "retire": .array(retire.map { .string($0) })]
    }

    static func revoke(_ party: String) -> JSONValue { ["party": .string(party), "reason": "left the scheme"] }

    static func create(_ lot: String, _ amount: String, _ unit: String, product: String = "flour") -> JSONValue {
        ["lot": .string(lot), "product": .string(product), "class": "wheat", "quantity": qty(amount, unit)]
    }

    static func transform(inputs: [JSONValue], outputs: [(String, String, String)]) -> JSONValue {
        ["inputs": .array(inputs),
         "outputs": .array(outputs.map { ["lot": .string($0.0), "product": "product", "class": "bakery", "quantity": qty($0.1, $0.2)] })]
    }

    static func ship(to: String, _ lines: [JSONValue]) -> JSONValue { ["to": .string(to), "lots": .array(lines)] }

    static func receive(_ shipment: EventID, _ lines: [JSONValue]) -> JSONValue {
        ["shipment": .string(shipment.hex), "lots": .array(lines)]
    }

    static func aggregate(_ parent: String, _ children: [JSONValue]) -> JSONValue {
        ["parent": .string(parent), "children": .array(children)]
    }

    static func certIssue(_ number: String, holder: String) -> JSONValue {
        ["number": .string(number), "holder": .string(holder), "scope": ["products": ["flour"]],
         "valid_from": "2026-01-01T00:00:00Z", "valid_until": "2027-01-01T00:00:00Z"]
    }

    static func certStatus(_ number: String) -> JSONValue { ["number": .string(number), "reason": "audit finding"] }

    static func incident(_ lot: String, kind: String = "contamination", resolves: EventID? = nil) -> JSONValue {
        var o: [String: JSONValue] = ["lot": .string(lot), "kind": .string(kind), "description": "pork gelatin found"]
        if let resolves { o["resolves"] = .string(resolves.hex) }
        return .object(o)
    }

    static func inspect(_ lot: String) -> JSONValue { ["lot": .string(lot), "test": "porcine-dna-pcr", "result": "negative"] }

    static func recall(_ lot: String) -> JSONValue { ["lot": .string(lot), "reason": "contamination"] }
}
