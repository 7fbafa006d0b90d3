import HADICCore
import HADICCrypto
import HADICLedger

/// Generates a valid synthetic supply chain of pre-signed events, for benchmarks: the flat
/// bill of materials (`hadic synth --bom flat`, what the append benchmark times; see
/// ``DeepSupplyChain`` for the deep one that query benchmarks use).
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


// MARK: - The deep bill of materials

/// The material classes of the deep chain, by level of the bill of materials: raw materials
/// at level 0, intermediates at levels 1 to 6, finished products at level 7.
enum DeepCatalogue {
    struct MaterialClass {
        let name: String
        let product: String
    }

    static let levels = 8
    static let top = levels - 1

    /// Raw materials a halal food chain really buys. The critical ones (meat, gelatin, flavour,
    /// enzyme) are there so that halal assessments over the ledger have something to check.
    static let raw: [MaterialClass] = [
        .init(name: "beef", product: "daging sapi (beef)"), .init(name: "chicken", product: "daging ayam (chicken)"),
        .init(name: "gelatin", product: "gelatin sapi (bovine gelatin)"), .init(name: "palm-oil", product: "minyak sawit (palm oil)"),
        .init(name: "sugar", product: "gula pasir (cane sugar)"), .init(name: "salt", product: "garam (salt)"),
        .init(name: "flour", product: "tepung terigu (wheat flour)"), .init(name: "turmeric", product: "kunyit (turmeric)"),
        .init(name: "chili", product: "cabai (chili)"), .init(name: "water", product: "air proses (process water)"),
        .init(name: "soy", product: "kedelai (soybean)"), .init(name: "coconut-milk", product: "santan (coconut milk)"),
        .init(name: "flavour", product: "perisa (flavouring)"), .init(name: "enzyme", product: "enzim (enzyme preparation)"),
        .init(name: "garlic", product: "bawang putih (garlic)"), .init(name: "shallot", product: "bawang merah (shallot)"),
        .init(name: "rice", product: "beras (rice)"), .init(name: "egg", product: "telur (egg)"),
    ]

    static let finished: [MaterialClass] = [
        .init(name: "ready-meal", product: "rendang siap saji (ready meal)"),
        .init(name: "frozen-meal", product: "nasi goreng beku (frozen meal)"),
        .init(name: "instant-noodle", product: "mi instan (instant noodles)"),
        .init(name: "canned-curry", product: "kari ayam kaleng (canned curry)"),
    ]

    /// Intermediate classes per level: few enough that processors of a level share suppliers.
    static let intermediatesPerLevel = 5

    /// What the transformations of each level do (level 0 is created, not transformed).
    static let processes = [
        "", "cleaning, cutting and grinding", "mixing and marinating", "cooking", "blending",
        "forming and filling", "cooking and cooling", "cooking, packing and freezing",
    ]

    static func classes(level: Int) -> [MaterialClass] { byLevel[level] }

    private static let byLevel: [[MaterialClass]] = (0..<levels).map { level in
        switch level {
        case 0: return raw
        case top: return finished
        default:
            return (0..<intermediatesPerLevel).map { i in
                let letter = String(UnicodeScalar(UInt8(ascii: "a") + UInt8(i)))
                return MaterialClass(name: "intermediate-\(level)-\(letter)", product: "intermediate \(level)\(letter)")
            }
        }
    }
}

/// A deep, realistic supply chain of pre-signed events, for query benchmarks (`hadic synth
/// --bom deep`).
///
/// Producers create raw lots (level 0); processors of tiers 1 to 7 each make the classes of one
/// level by `lot.transform` of 2-5 inputs, mostly from the level below and sometimes from two
/// below, following a fixed recipe per processor (its certificate's `composition`). An input
/// the processor does not hold comes from its maker by a `custody.ship` (with a certified
/// carrier, segregated) matched by a `custody.receive`. Certifiers certify every producer,
/// processor and carrier over the whole time range, suspend about 1% later, and a lab
/// certifier tests some finished lots.
///
/// Inputs are drawn from the most recent lots of each class only, so products share
/// ingredients the way real production runs do, and a finished lot's ancestry stays bounded
/// (about 500 lots, see ``Tuning``) however long the chain runs. Deterministic for a seed, like
/// ``SyntheticChain``; every event passes admission in order.
struct DeepSupplyChain {
    /// The knobs, tuned so that a finished lot's ancestry is about 500 lots at 1,000,000 events.
    enum Tuning {
        /// Inputs are drawn from this many most recent lots of their class. This bounds reuse,
        /// and so a product's ancestry: raising it makes ancestries larger.
        static let recentLotsPerClass = 7
        static let inputsPerTransform = 2...5
        /// Of each transformation's inputs, the percentage taken from two levels below (when
        /// the recipe has such a class): salt or water added late in the process.
        static let skipLevelPercent = 15
        /// Mass of a finished lot. Each level below is 2.5 times larger, so that one lot feeds
        /// about eight draws while an average lot is drawn three or four times.
        static let finishedGrams: Int64 = 50_000
        static let growthPercent: Int64 = 250
        static let yieldPercent = 85...100
        /// A lot whose maker holds less than this share of a batch leaves the pool of recent lots.
        static let exhaustedPerMille: Int64 = 100
        static let inspectFinishedPercent = 4
        static let inspectRawPercent = 10
        static let suspendedPerMille = 10
        /// The most events one step of a round can take: a ship and a receive per input, the
        /// transformation and an inspection.
        static let largestStep = 2 * inputsPerTransform.upperBound + 2
    }

    /// A place in the bill of materials: a class of one level.
    struct ClassRef: Hashable {
        let level: Int
        let index: Int
    }

    struct Member {
        let signer: Signer
        let name: String
        let role: Role
        let country: String
        /// 0 for producers, the tier for processors, nil for carriers and certifiers.
        let level: Int?
        let facilities: [String]
        /// The classes of `level` it makes.
        var makes: [Int] = []
        /// The classes its transformations take as inputs.
        var recipe: [ClassRef] = []

        var id: PartyID { signer.id }
    }

    /// The certification bodies: Indonesia's, Malaysia's and Singapore's, so that market
    /// policies over the chain have issuers to recognise or not.
    enum Issuer: Int, CaseIterable {
        case bpjph, jakim, muis

        var party: String { ["synth-bpjph", "synth-jakim", "synth-muis"][rawValue] }
        var name: String { ["Synthetic BPJPH", "Synthetic JAKIM", "Synthetic MUIS"][rawValue] }
        var country: String { ["ID", "MY", "SG"][rawValue] }
        var scheme: String { ["BPJPH", "JAKIM MS1500", "MUIS"][rawValue] }
        var numberPrefix: String { ["ID-BPJPH-SYN", "JAKIM-SYN", "MUIS-SYN"][rawValue] }
    }

    struct Lot {
        let id: String
        let ref: ClassRef
        let maker: Int
        /// What its maker still holds.
        var remaining: Int64
    }

    /// An amount of one lot: an input a transformation consumes, or a line of a shipment.
    struct Draw {
        let lot: Int
        let grams: Int64
    }

    /// One shipment from a supplier to the processor that needs its lots.
    struct Delivery {
        let supplier: Int
        var lines: [Draw]
    }

    /// Printed on stderr by `hadic synth`, so that benchmarks know what they got.
    struct Summary {
        var parties = 0
        var lotsPerLevel = Array(repeating: 0, count: DeepCatalogue.levels)
        var shipments = 0
        var inspections = 0
        var suspended = 0
        var exampleFinishedLot: String?
    }

    let admin: Signer
    let startTime: Int64
    private(set) var members: [Member] = []
    /// issuers[Issuer.rawValue]: its member.
    private var issuers: [Int] = []
    /// The certifier whose laboratory tests finished lots.
    private var lab = 0
    private var carriers: [Int] = []
    /// makers[level][class]: the members making that class.
    private var makers: [[[Int]]] = []
    /// demand[level][class]: 1 + the recipes using it, so that supply follows demand.
    private var demand: [[Int]] = []
    private var rng: SeededGenerator
    private var log: TemplateLog
    private var lots: [Lot] = []
    /// recent[level][class]: indices into `lots`, oldest first.
    private var recent: [[[Int]]] = []
    /// What processors hold of lots they received: shipped a little more than they used.
    private var stock: [Holding: Int64] = [:]
    private var summary = Summary()
    private let batchGrams: [Int64]

    struct Holding: Hashable {
        let member: Int
        let lot: Int
    }

    /// - Parameter supplierCount: producers, processors and carriers together (`--parties`);
    ///   at least 20, so that every tier has processors. Four certifiers come on top.
    init(ledgerID: String, admin: (id: PartyID, key: PrivateKey), supplierCount: Int, seed: UInt64, startTime: Int64) throws {
        self.admin = Signer(id: admin.id, key: admin.key)
        self.startTime = startTime
        rng = SeededGenerator(seed: seed)
        log = TemplateLog(ledgerID: ledgerID, startTime: startTime)
        var grams = Tuning.finishedGrams
        var sizes: [Int64] = []
        for _ in 0..<DeepCatalogue.levels {
            sizes.append(grams)
            grams = grams * Tuning.growthPercent / 100
        }
        batchGrams = sizes.reversed()
        recent = (0..<DeepCatalogue.levels).map { Array(repeating: [], count: DeepCatalogue.classes(level: $0).count) }
        try enrol(supplierCount: supplierCount, seed: seed)
        planRecipes()
    }

    // MARK: Parties

    /// Certifiers, carriers, producers and processors tier by tier; keys from the seed.
    private mutating func enrol(supplierCount: Int, seed: UInt64) throws {
        for issuer in Issuer.allCases {
            issuers.append(members.count)
            try addMember(issuer.party, issuer.name, .certifier, country: issuer.country, level: nil, facilities: [], seed: seed)
        }
        lab = members.count
        try addMember("synth-lppom-lab", "Synthetic LPPOM MUI laboratory", .certifier, country: "ID", level: nil, facilities: [], seed: seed)

        let carrierCount = max(2, supplierCount / 30)
        let producerCount = max(1, (supplierCount - carrierCount) * 3 / 10)
        let processorCount = supplierCount - carrierCount - producerCount
        for i in 0..<carrierCount {
            carriers.append(members.count)
            try addMember("logistics-\(padded(i + 1, 4))", "Synthetic cold-chain carrier \(i + 1)", .logistics, country: "ID",
                          level: nil, facilities: ["depot-1"], seed: seed)
        }
        makers = (0..<DeepCatalogue.levels).map { Array(repeating: [], count: DeepCatalogue.classes(level: $0).count) }
        try enrolMakers(level: 0, count: producerCount, seed: seed)
        let tiers = DeepCatalogue.top
        for tier in 1...tiers {
            // The remainder goes to the lower tiers, where real chains have more suppliers.
            try enrolMakers(level: tier, count: processorCount / tiers + (tier <= processorCount % tiers ? 1 : 0), seed: seed)
        }
    }

    private mutating func addMember(_ id: String, _ name: String, _ role: Role, country: String, level: Int?,
                                    facilities: [String], seed: UInt64) throws {
        guard let party = PartyID(id) else { throw CLIFailure("bad synthetic party id \(id)") }
        let key = try SyntheticChain.key(seed: seed, index: UInt64(members.count) + 16)
        members.append(Member(signer: Signer(id: party, key: key), name: name, role: role, country: country,
                              level: level, facilities: facilities.map { "\(id)/\($0)" }))
    }

    /// The members of one level, each making one class (or several, when there are fewer
    /// members than classes), so that every class has a maker.
    private mutating func enrolMakers(level: Int, count: Int, seed: UInt64) throws {
        let classCount = DeepCatalogue.classes(level: level).count
        for j in 0..<count {
            let index = members.count
            let plants = Int.random(in: 1...2, using: &rng)
            if level == 0 {
                try addMember("producer-\(padded(j + 1, 4))", "Synthetic producer \(j + 1)", .producer, country: "ID",
                              level: 0, facilities: (1...plants).map { "plant-\($0)" }, seed: seed)
            } else {
                try addMember("processor-\(level)-\(padded(j + 1, 4))", "Synthetic tier-\(level) processor \(j + 1)", .processor,
                              country: "ID", level: level, facilities: (1...plants).map { "plant-\($0)" }, seed: seed)
            }
            let makes = count >= classCount ? [j % classCount] : Array(stride(from: j, to: classCount, by: count))
            members[index].makes = makes
            for c in makes { makers[level][c].append(index) }
        }
    }

    /// Each processor's recipe: 3-5 classes of the level below, and for half of them one or
    /// two classes from two levels below. Demand then weights which classes get made.
    private mutating func planRecipes() {
        demand = (0..<DeepCatalogue.levels).map { Array(repeating: 1, count: DeepCatalogue.classes(level: $0).count) }
        for m in members.indices {
            guard let level = members[m].level, level > 0 else { continue }
            var recipe = sample(classesOf: level - 1, count: Int.random(in: 3...5, using: &rng))
            if level >= 2 && Bool.random(using: &rng) {
                recipe += sample(classesOf: level - 2, count: Int.random(in: 1...2, using: &rng))
            }
            members[m].recipe = recipe
            for r in recipe { demand[r.level][r.index] += 1 }
        }
    }

    private mutating func sample(classesOf level: Int, count: Int) -> [ClassRef] {
        let all = Array(DeepCatalogue.classes(level: level).indices)
        return all.shuffled(using: &rng).prefix(count).sorted().map { ClassRef(level: level, index: $0) }
    }

    // MARK: Generation

    /// Exactly `count` unsigned events, each with the key that must sign it (when `count` is
    /// smaller than the set-up, the first `count` registrations and certificates), handed to
    /// `deliver` in order, `chunk` at a time, so that they can be signed while more are made.
    mutating func templates(count: Int, chunk: Int,
                            deliver: ([(EventEnvelope.Unsigned, PrivateKey)]) throws -> Void) throws -> Summary {
        log.capacity = count
        try register()
        try setPolicy()
        let suspensions = try certify(until: startTime + Int64(count) + 86_400)
        // Suspensions fall evenly over the run, so that assessments at any time find some.
        let due = suspensions.indices.map { log.count + (count - log.count) * ($0 + 1) / (suspensions.count + 1) }
        var next = 0
        while log.remaining > 0 {
            if log.pending >= chunk { try deliver(log.drain()) }
            if next < suspensions.count && log.count >= due[next] {
                try suspend(suspensions[next])
                next += 1
            } else if log.remaining < Tuning.largestStep {
                try createRawLot()  // fill the last few events exactly
            } else {
                try round()
            }
        }
        try deliver(log.drain())
        summary.parties = members.count + 1
        return summary
    }

    /// One lot of each level, lowest first, so that each level finds fresh inputs. A level
    /// whose inputs are not there yet (while the pools fill, at the start) is skipped.
    private mutating func round() throws {
        try createRawLot()
        for level in 1..<DeepCatalogue.levels where log.remaining >= Tuning.largestStep {
            try makeLot(level: level)
        }
    }

    private mutating func register() throws {
        for m in members where log.remaining > 0 {
            var body: [String: JSONValue] = [
                "party": .string(m.id.rawValue), "name": .string(m.name), "role": .string(m.role.rawValue),
                "country": .string(m.country), "public_key": .string(Base64.encode(m.signer.key.publicKey.spkiDER)),
            ]
            if !m.facilities.isEmpty { body["facilities"] = .array(m.facilities.map(JSONValue.string)) }
            try log.add(.partyRegister, admin, body)
        }
    }

    /// The assessment policy (`policy.set`): market `SYN` trusts the three synthetic certifiers
    /// and requires certified logistics; `SYN-ID` trusts only the BPJPH-like one. Meat classes
    /// are critical but not listed as animal-derived (the chain has no slaughter step).
    private mutating func setPolicy() throws {
        guard log.remaining > 0 else { return }
        func list(_ items: [String]) -> JSONValue { .array(items.map(JSONValue.string)) }
        let trusted = Issuer.allCases.map { JSONValue.object(["party": .string($0.party)]) }
        try log.add(.policySet, admin, [
            "markets": .object([
                "SYN": .object(["name": .string("Synthetic market"), "issuers": .array(trusted), "certified_logistics": .bool(true)]),
                "SYN-ID": .object(["name": .string("Synthetic market, BPJPH only"), "issuers": .array([.object(["party": .string(Issuer.bpjph.party)])])]),
            ]),
            "non_critical": list(["palm-oil", "sugar", "salt", "flour", "turmeric", "chili", "water", "soy", "coconut-milk", "garlic", "shallot", "rice"]),
            "critical": list(["beef", "chicken", "gelatin", "flavour", "enzyme", "egg"]),
            "non_halal": list(["pork", "lard"]), "severe_najis": list(["pork", "lard"]),
            "haram_names": list(["babi", "pork", "bacon", "lard", "wine", "beer", "rum"]),
            "mass_gain_percent": .string("0"),
        ])
    }

    /// A certificate for every producer, processor and carrier, valid from before the first
    /// event to after `until`. Returns the ones to suspend later: about 1% of the makers'.
    private mutating func certify(until: Int64) throws -> [(issuer: Issuer, number: String)] {
        let from = startTime - 90 * 86_400
        let validUntil = max(from + 4 * 365 * 86_400, until)
        var issued: [(issuer: Issuer, number: String)] = []
        for (i, m) in members.enumerated() where m.role != .certifier && log.remaining > 0 {
            let issuer = self.issuer(for: m)
            let number = "\(issuer.numberPrefix)-\(padded(i + 1, 6))"
            var scope: [String: JSONValue] = [:]
            var body: [String: JSONValue] = [
                "number": .string(number), "holder": .string(m.id.rawValue),
                "valid_from": .string(Timestamp(unixSeconds: from).text),
                "valid_until": .string(Timestamp(unixSeconds: validUntil).text),
            ]
            if let level = m.level {
                let classes = DeepCatalogue.classes(level: level)
                scope["classes"] = .array(m.makes.map { .string(classes[$0].name) })
                scope["facilities"] = .array(m.facilities.map(JSONValue.string))
                let inputs = level == 0 ? m.makes.map { ClassRef(level: 0, index: $0) } : m.recipe
                body["composition"] = .array(inputs.map { .string(DeepCatalogue.classes(level: $0.level)[$0.index].name) })
                body["scheme"] = .string(issuer.scheme)
                issued.append((issuer, number))
            } else {
                scope["services"] = .array([.string("transport")])
                body["scheme"] = .string("JAKIM MS2400")
            }
            body["scope"] = .object(scope)
            try log.add(.certIssue, members[issuers[issuer.rawValue]].signer, body)
        }
        let count = (issued.count * Tuning.suspendedPerMille + 999) / 1000
        return Array(issued.shuffled(using: &rng).prefix(count))
    }

    /// Carriers are certified for halal logistics (MS2400) by JAKIM; makers mostly by BPJPH,
    /// some by JAKIM or MUIS, as exporters' suppliers are.
    private mutating func issuer(for m: Member) -> Issuer {
        guard m.level != nil else { return .jakim }
        let roll = Int.random(in: 0..<100, using: &rng)
        return roll < 75 ? .bpjph : roll < 90 ? .jakim : .muis
    }

    private mutating func suspend(_ s: (issuer: Issuer, number: String)) throws {
        let certifier = members[issuers[s.issuer.rawValue]]
        try log.add(.certSuspend, certifier.signer, [
            "number": .string(s.number), "reason": .string("surveillance audit found an unapproved supplier"),
        ])
        summary.suspended += 1
    }

    // MARK: Lots

    /// A raw lot from a producer of a class in demand; sometimes tested by its producer.
    private mutating func createRawLot() throws {
        let ref = pickClass(level: 0)
        guard let maker = makers[0][ref.index].randomElement(using: &rng) else { return }
        let m = members[maker]
        let material = DeepCatalogue.raw[ref.index]
        let grams = batchGrams[0] * Int64(Int.random(in: 80...120, using: &rng)) / 100 / 1000 * 1000
        let id = newLotID(maker: m, level: 0)
        var body: [String: JSONValue] = [
            "lot": .string(id), "product": .string(material.product), "class": .string(material.name),
            "quantity": Self.grams(grams),
        ]
        if let facility = m.facilities.randomElement(using: &rng) { body["facility"] = .string(facility) }
        try log.add(.lotCreate, m.signer, body)
        let lot = addLot(Lot(id: id, ref: ref, maker: maker, remaining: grams))
        if ["gelatin", "flavour"].contains(material.name) && log.remaining > 0
            && Int.random(in: 0..<100, using: &rng) < Tuning.inspectRawPercent {
            try inspectRaw(lot, by: maker)
        }
    }

    /// The producer's own test of a critical raw material it holds.
    private mutating func inspectRaw(_ lot: Int, by maker: Int) throws {
        let m = members[maker]
        var body: [String: JSONValue] = ["lot": .string(lots[lot].id), "report": .string("QC-\(padded(lot + 1, 7))")]
        if DeepCatalogue.raw[lots[lot].ref.index].name == "flavour" {
            body["test"] = .string("ethanol")
            body["result"] = .string("pass")
            body["measurement"] = .object(["value": .string("0.1"), "unit": .string("%vol")])
        } else {
            body["test"] = .string("porcine-dna-pcr")
            body["result"] = .string("negative")
        }
        try log.add(.lotInspect, m.signer, body)
        summary.inspections += 1
    }

    /// One lot of `level`: a processor draws its inputs from the recent lots of its recipe,
    /// has those it lacks shipped in, and transforms them. Nothing happens when fewer than two
    /// inputs are available.
    private mutating func makeLot(level: Int) throws {
        let ref = pickClass(level: level)
        guard let maker = makers[level][ref.index].randomElement(using: &rng) else { return }
        let draws = pickInputs(for: maker, level: level)
        guard draws.count >= 2 else { return }
        let deliveries = self.deliveries(of: draws, to: maker)
        let inspect = level == DeepCatalogue.top && Int.random(in: 0..<100, using: &rng) < Tuning.inspectFinishedPercent
        guard log.remaining >= 2 * deliveries.count + 1 + (inspect ? 1 : 0) else { return }
        let m = members[maker]
        let facility = m.facilities.randomElement(using: &rng)
        for d in deliveries { try deliver(d, to: maker, storage: facility) }
        let lot = try transform(draws, into: ref, by: maker, facility: facility)
        if inspect { try inspectFinished(lot) }
    }

    /// 2-5 distinct inputs, their masses adding up to a batch of `level` before the process
    /// loss; each from the recent lots of a recipe class, with enough left for the draw.
    private mutating func pickInputs(for maker: Int, level: Int) -> [Draw] {
        let recipe = members[maker].recipe
        let direct = recipe.filter { $0.level == level - 1 }
        let early = recipe.filter { $0.level < level - 1 }
        let count = Int.random(in: Tuning.inputsPerTransform, using: &rng)
        let batch = batchGrams[level] * Int64(Int.random(in: 80...120, using: &rng)) / 100
        let weights = (0..<count).map { _ in Int64(Int.random(in: 1...4, using: &rng)) }
        // Enough for the batch even at the lowest yield; `transform` then applies the real one.
        let total = batch * 100 / Int64(Tuning.yieldPercent.lowerBound)
        var draws: [Draw] = []
        for w in weights {
            let useEarly = !early.isEmpty && Int.random(in: 0..<100, using: &rng) < Tuning.skipLevelPercent
            guard let ref = (useEarly ? early : direct).randomElement(using: &rng) else { continue }
            let grams = max(1000, total * w / weights.reduce(0, +))
            if let lot = pickLot(of: ref, grams: grams, for: maker, excluding: draws) {
                draws.append(Draw(lot: lot, grams: grams))
            }
        }
        return draws
    }

    /// A recent lot of `ref` of which `maker` can get `grams` (from its stock or its maker).
    /// Lots nearly used up leave the pool; a few tries, then none.
    private mutating func pickLot(of ref: ClassRef, grams: Int64, for maker: Int, excluding taken: [Draw]) -> Int? {
        for _ in 0..<3 {
            guard let slot = recent[ref.level][ref.index].indices.randomElement(using: &rng) else { return nil }
            let lot = recent[ref.level][ref.index][slot]
            if taken.contains(where: { $0.lot == lot }) { continue }
            if lots[lot].remaining + stock[Holding(member: maker, lot: lot), default: 0] >= grams { return lot }
            if lots[lot].remaining < batchGrams[ref.level] * Tuning.exhaustedPerMille / 1000 {
                recent[ref.level][ref.index].remove(at: slot)
            }
        }
        return nil
    }

    /// The shipments that bring `maker` what it lacks of each input, one per supplier; a
    /// supplier sends whole kilograms when it can, so processors keep a little stock.
    private func deliveries(of draws: [Draw], to maker: Int) -> [Delivery] {
        var out: [Delivery] = []
        for d in draws {
            let held = stock[Holding(member: maker, lot: d.lot), default: 0]
            guard held < d.grams else { continue }
            let lot = lots[d.lot]
            let need = d.grams - held
            let line = Draw(lot: d.lot, grams: min(lot.remaining, (need + 999) / 1000 * 1000))
            if let i = out.firstIndex(where: { $0.supplier == lot.maker }) {
                out[i].lines.append(line)
            } else {
                out.append(Delivery(supplier: lot.maker, lines: [line]))
            }
        }
        return out
    }

    /// A matched ship and receive, by a certified carrier in segregated transport.
    private mutating func deliver(_ d: Delivery, to maker: Int, storage: String?) throws {
        let supplier = members[d.supplier]
        let receiver = members[maker]
        guard let carrier = carriers.randomElement(using: &rng) else { throw CLIFailure("synthetic chain without carriers") }
        let carrierID = members[carrier].id.rawValue
        let lines: JSONValue = .array(d.lines.map { .object(["lot": .string(lots[$0.lot].id), "quantity": Self.grams($0.grams)]) })
        let ship = try log.add(.custodyShip, supplier.signer, [
            "to": .string(receiver.id.rawValue), "lots": lines, "carrier": .string(carrierID),
            "vehicle": .string("\(carrierID)/truck-\(Int.random(in: 1...20, using: &rng))"), "segregated": .bool(true),
        ])
        var receive: [String: JSONValue] = ["shipment": .string(ship.id.hex), "lots": lines]
        if let storage { receive["storage"] = .string(storage) }
        try log.add(.custodyReceive, receiver.signer, receive)
        for line in d.lines {
            lots[line.lot].remaining -= line.grams
            stock[Holding(member: maker, lot: line.lot), default: 0] += line.grams
        }
        summary.shipments += 1
    }

    /// Consumes the draws from the processor's stock into one new lot, losing 0-15% of the mass.
    private mutating func transform(_ draws: [Draw], into ref: ClassRef, by maker: Int, facility: String?) throws -> Int {
        let m = members[maker]
        let material = DeepCatalogue.classes(level: ref.level)[ref.index]
        let consumed = draws.reduce(Int64(0)) { $0 + $1.grams }
        let grams = max(1, consumed * Int64(Int.random(in: Tuning.yieldPercent, using: &rng)) / 100)
        let id = newLotID(maker: m, level: ref.level)
        var body: [String: JSONValue] = [
            "inputs": .array(draws.map { .object(["lot": .string(lots[$0.lot].id), "quantity": Self.grams($0.grams)]) }),
            "outputs": .array([.object(["lot": .string(id), "product": .string(material.product),
                                        "class": .string(material.name), "quantity": Self.grams(grams)])]),
            "process": .string(DeepCatalogue.processes[ref.level]),
        ]
        if let facility { body["facility"] = .string(facility) }
        try log.add(.lotTransform, m.signer, body)
        for d in draws {
            let key = Holding(member: maker, lot: d.lot)
            let left = stock[key, default: 0] - d.grams
            stock[key] = left > 0 ? left : nil
        }
        if ref.level == DeepCatalogue.top { summary.exampleFinishedLot = id }
        return addLot(Lot(id: id, ref: ref, maker: maker, remaining: grams))
    }

    /// The lab's porcine DNA test of a finished lot, as an importer may ask for.
    private mutating func inspectFinished(_ lot: Int) throws {
        let l = members[lab]
        try log.add(.lotInspect, l.signer, [
            "lot": .string(lots[lot].id), "test": .string("porcine-dna-pcr"), "result": .string("negative"),
            "lab": .string(l.name), "report": .string("PCR-\(padded(lot + 1, 7))"),
        ])
        summary.inspections += 1
    }

    // MARK: Helpers

    /// A class of `level`, weighted by how many recipes use it.
    private mutating func pickClass(level: Int) -> ClassRef {
        let weights = demand[level]
        var roll = Int.random(in: 0..<weights.reduce(0, +), using: &rng)
        for (i, w) in weights.enumerated() {
            if roll < w { return ClassRef(level: level, index: i) }
            roll -= w
        }
        return ClassRef(level: level, index: weights.count - 1)
    }

    /// `PARTY/L<level>-<n>`: the level is in the id, so finished lots are easy to find.
    private func newLotID(maker: Member, level: Int) -> String {
        "\(maker.id.rawValue)/L\(level)-\(padded(lots.count + 1, 7))"
    }

    private mutating func addLot(_ lot: Lot) -> Int {
        lots.append(lot)
        summary.lotsPerLevel[lot.ref.level] += 1
        var pool = recent[lot.ref.level][lot.ref.index]
        pool.append(lots.count - 1)
        if pool.count > Tuning.recentLotsPerClass { pool.removeFirst() }
        recent[lot.ref.level][lot.ref.index] = pool
        return lots.count - 1
    }

    private static func grams(_ amount: Int64) -> JSONValue {
        .object(["amount": .string(String(amount)), "unit": .string("g")])
    }
}

/// Templates, one second apart, each with the key that must sign it: made until `capacity`,
/// and drained by whoever signs them.
struct TemplateLog {
    let ledgerID: String
    var capacity = 0
    /// How many were made, drained or not.
    private(set) var count = 0
    private var templates: [(EventEnvelope.Unsigned, PrivateKey)] = []
    private var clock: Int64

    init(ledgerID: String, startTime: Int64) {
        self.ledgerID = ledgerID
        clock = startTime
    }

    var remaining: Int { capacity - count }
    var pending: Int { templates.count }

    /// The templates made since the last drain.
    mutating func drain() -> [(EventEnvelope.Unsigned, PrivateKey)] {
        defer { templates = [] }
        return templates
    }

    @discardableResult
    mutating func add(_ type: EventType, _ signer: Signer, _ body: [String: JSONValue]) throws -> EventEnvelope.Unsigned {
        guard remaining > 0 else { throw CLIFailure("synthetic chain: over its event budget (a bug in hadic synth)") }
        clock += 1
        let u = try EventEnvelope.Unsigned(ledger: ledgerID, type: type, actor: signer.id, keyID: signer.keyID,
                                           time: Timestamp(unixSeconds: clock), body: .object(body))
        templates.append((u, signer.key))
        count += 1
        return u
    }
}

/// A party's id and key, with the key id computed once rather than for each of a million events.
struct Signer {
    let id: PartyID
    let key: PrivateKey
    let keyID: String

    init(id: PartyID, key: PrivateKey) {
        self.id = id
        self.key = key
        keyID = key.publicKey.keyID
    }
}

/// `n` in decimal, zero-padded to `width` digits.
func padded(_ n: Int, _ width: Int) -> String {
    let digits = String(n)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}
