import HADICCore
import HADICCrypto
import HADICLedger

/// Generates a valid synthetic supply chain of pre-signed events, for benchmarks.
///
/// Deterministic for a seed: keys come from seeded Ed25519 seeds, choices from a seeded
/// generator. Parties are producers (create raw lots) and processors (transform); lots move
/// between them by matched ship/receive pairs. Every generated event passes admission in order.
/// Templates are made sequentially (an event id does not depend on its signature), then
/// signed on every core.
struct SyntheticChain {
    struct Party {
        let id: PartyID
        let role: Role
        let key: PrivateKey
    }

    let ledgerID: String
    let admin: (id: PartyID, key: PrivateKey)
    let parties: [Party]
    let startTime: Int64
    private var rng: SeededGenerator

    static func key(seed: UInt64, index: UInt64) throws -> PrivateKey {
        var g = SeededGenerator(seed: seed &+ index &* 0x9E37_79B9_7F4A_7C15)
        return try PrivateKey(rawEd25519Seed: (0..<32).map { _ in UInt8.random(in: 0...255, using: &g) })
    }

    init(ledgerID: String, admin: (id: PartyID, key: PrivateKey), partyCount: Int, seed: UInt64, startTime: Int64) throws {
        self.ledgerID = ledgerID
        self.admin = admin
        self.startTime = startTime
        rng = SeededGenerator(seed: seed)
        var parties: [Party] = []
        for i in 0..<partyCount {
            let role: Role = i % 3 == 0 ? .producer : .processor
            guard let id = PartyID(String(format: "synth-%05d", i)) else { throw CLIFailure("bad synthetic party id") }
            parties.append(Party(id: id, role: role, key: try SyntheticChain.key(seed: seed, index: UInt64(i) + 16)))
        }
        self.parties = parties
    }

    /// Up to `count` unsigned events, each with the key that must sign it.
    mutating func templates(count: Int) throws -> [(EventEnvelope.Unsigned, PrivateKey)] {
        var out: [(EventEnvelope.Unsigned, PrivateKey)] = []
        out.reserveCapacity(count)
        var clock = startTime
        func time() -> Timestamp { clock += 1; return Timestamp(unixSeconds: clock) }
        func add(_ type: EventType, _ actor: PartyID, _ key: PrivateKey, _ body: JSONValue) throws -> EventID {
            let u = try EventEnvelope.Unsigned(ledger: ledgerID, type: type, actor: actor, keyID: key.publicKey.keyID, time: time(), body: body)
            out.append((u, key))
            return u.id
        }
        func q(_ grams: Int64) -> JSONValue { .object(["amount": .string(String(grams)), "unit": .string("g")]) }

        for p in parties where out.count < count {
            _ = try add(.partyRegister, admin.id, admin.key, .object([
                "party": .string(p.id.rawValue), "name": .string("Synthetic \(p.id)"), "role": .string(p.role.rawValue),
                "public_key": .string(Base64.encode(p.key.publicKey.spkiDER)),
            ]))
        }
        // Holdings per party: lot -> grams.
        var holdings: [[String: Int64]] = Array(repeating: [:], count: parties.count)
        var lotCounter = 0
        let classes = ["beef", "chicken", "spice", "coconut-milk", "sugar", "flour", "palm-oil", "salt"]
        while out.count < count {
            let pi = Int.random(in: 0..<parties.count, using: &rng)
            let p = parties[pi]
            let roll = Int.random(in: 0..<100, using: &rng)
            let held = holdings[pi].filter { $0.value >= 100 }
            if p.role == .producer && (roll < 40 || held.isEmpty) {
                lotCounter += 1
                let lot = "\(p.id)/raw-\(lotCounter)"
                _ = try add(.lotCreate, p.id, p.key, .object([
                    "lot": .string(lot), "product": .string("raw material \(lotCounter)"),
                    "class": .string(classes[lotCounter % classes.count]), "quantity": q(1_000_000),
                ]))
                holdings[pi][lot] = 1_000_000
            } else if p.role == .processor && held.count >= 2 && roll < 50 {
                let inputs = Array(held.keys.sorted().shuffled(using: &rng).prefix(Int.random(in: 2...4, using: &rng)))
                var lines: [JSONValue] = []
                var total: Int64 = 0
                for lot in inputs {
                    let amount = max(1, (holdings[pi][lot] ?? 0) / 4)
                    holdings[pi][lot, default: 0] -= amount
                    total += amount
                    lines.append(.object(["lot": .string(lot), "quantity": q(amount)]))
                }
                lotCounter += 1
                let lot = "\(p.id)/prod-\(lotCounter)"
                _ = try add(.lotTransform, p.id, p.key, .object([
                    "inputs": .array(lines),
                    "outputs": .array([.object(["lot": .string(lot), "product": .string("product \(lotCounter)"),
                                                "class": .string("ready-meal"), "quantity": q(total)])]),
                ]))
                holdings[pi][lot] = total
            } else if let lot = held.keys.sorted().randomElement(using: &rng), count - out.count >= 2 {
                var ri = Int.random(in: 0..<parties.count, using: &rng)
                if ri == pi { ri = (ri + 1) % parties.count }
                let r = parties[ri]
                let amount = max(1, (holdings[pi][lot] ?? 0) / 2)
                holdings[pi][lot, default: 0] -= amount
                let line: JSONValue = .array([.object(["lot": .string(lot), "quantity": q(amount)])])
                let ship = try add(.custodyShip, p.id, p.key, .object(["to": .string(r.id.rawValue), "lots": line]))
                _ = try add(.custodyReceive, r.id, r.key, .object(["shipment": .string(ship.hex), "lots": line]))
                holdings[ri][lot, default: 0] += amount
            } else if p.role == .producer || count - out.count < 2 {
                lotCounter += 1
                let lot = "\(p.id)/raw-\(lotCounter)"
                guard p.role == .producer else { continue }
                _ = try add(.lotCreate, p.id, p.key, .object([
                    "lot": .string(lot), "product": .string("raw material \(lotCounter)"),
                    "class": .string(classes[lotCounter % classes.count]), "quantity": q(1_000_000),
                ]))
                holdings[pi][lot] = 1_000_000
            }
        }
        return out
    }
}

/// SplitMix64: small, fast and reproducible across platforms (unlike the system generator).
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
