import XCTest
import HADICCore
import HADICEPCIS
import HADICCrypto

final class AdmissionTests: XCTestCase {
    private let kg: Int64 = 1_000_000_000
    private let sscc = "urn:epc:id:sscc:0614141.1234567890"

    /// admin registers farm (producer), mill (processor), truck (logistics), cert (certifier),
    /// audit (auditor); farm creates farm/raw-1 of 100 kg.
    private func world() throws -> TestLedger {
        let l = try TestLedger()
        try l.register("farm", .producer)
        try l.register("mill", .processor)
        try l.register("truck", .logistics)
        try l.register("cert", .certifier)
        try l.register("audit", .auditor)
        try l.admit("farm", .lotCreate, Bodies.create("farm/raw-1", "100", "kg"))
        return l
    }

    // MARK: Registration

    func testRegisterPartiesThroughTheAdmin() throws {
        let l = try TestLedger()
        let k = try PrivateKey.generate(.ed25519)
        let e = try l.admit("admin", .partyRegister, Bodies.register("farm", .producer, k.publicKey))
        let farm = PartyID("farm")!
        XCTAssertEqual(l.state.parties[farm], PartyRecord(role: .producer, name: "Party farm", registeredBy: e.id, revokedBy: nil))
        XCTAssertEqual(l.state.keys[k.publicKey.keyID], KeyRecord(party: farm, publicKey: k.publicKey, addedBy: e.id, retiredBy: nil))
        XCTAssertEqual(l.state.activeKey(k.publicKey.keyID, of: farm)?.publicKey, k.publicKey)
        XCTAssertNil(l.state.activeKey(k.publicKey.keyID, of: PartyID("admin")!))
        XCTAssertEqual(l.state.parties.count, 2)
        XCTAssertEqual(l.state.touched.parties, [farm])
    }

    // MARK: Happy path with holdings in micro units

    func testCreateTransformShipReceiveAggregateDisaggregate() throws {
        let l = try world()
        let farm = PartyID("farm")!, mill = PartyID("mill")!
        let raw = LotID("farm/raw-1")!, flour = LotID("farm/flour-1")!, bran = LotID("farm/bran-1")!, box = LotID(sscc)!
        XCTAssertEqual(l.state.holding(raw, by: farm), 100 * kg)
        XCTAssertEqual(l.state.lots[raw]?.dimension, .mass)
        XCTAssertEqual(l.state.lots[raw]?.kind, .lot)
        XCTAssertEqual(l.state.lots[raw]?.creator, farm)

        // transform: 40 kg of raw into 35.5 kg of flour and 4000 g of bran
        let t = try l.admit("farm", .lotTransform, Bodies.transform(
            inputs: [Bodies.line("farm/raw-1", "40", "kg")],
            outputs: [("farm/flour-1", "35.5", "kg"), ("farm/bran-1", "4000", "g")]))
        XCTAssertEqual(l.state.holding(raw, by: farm), 60 * kg)
        XCTAssertEqual(l.state.holding(flour, by: farm), 35_500_000_000)
        XCTAssertEqual(l.state.holding(bran, by: farm), 4 * kg)
        XCTAssertEqual(l.state.lots[flour]?.createdBy, t.id)
        XCTAssertEqual(l.state.lots[flour]?.product, "product")

        // ship 10 kg of flour to the mill: in transit, held by nobody
        let ship = try l.admit("farm", .custodyShip, Bodies.ship(to: "mill", [Bodies.line("farm/flour-1", "10", "kg")]))
        XCTAssertEqual(l.state.holding(flour, by: farm), 25_500_000_000)
        XCTAssertEqual(l.state.holding(flour, by: mill), 0)
        XCTAssertEqual(l.state.shipments[ship.id], ShipmentRecord(sender: farm, recipient: mill, lines: [flour: 10 * kg], receivedBy: nil))

        // receive, written in grams
        let rec = try l.admit("mill", .custodyReceive, Bodies.receive(ship.id, [Bodies.line("farm/flour-1", "10000", "g")]))
        XCTAssertEqual(l.state.holding(flour, by: mill), 10 * kg)
        XCTAssertEqual(l.state.shipments[ship.id]?.receivedBy, rec.id)

        // aggregate 4 kg into a new SSCC container
        let agg = try l.admit("mill", .lotAggregate, Bodies.aggregate(sscc, [Bodies.line("farm/flour-1", "4", "kg")]))
        XCTAssertEqual(l.state.lots[box], LotRecord(kind: .container, product: "container", materialClass: "container",
                                                    dimension: .count, creator: mill, createdBy: agg.id, recalledBy: nil))
        XCTAssertEqual(l.state.holding(box, by: mill), 1_000_000)
        XCTAssertEqual(l.state.holding(flour, by: mill), 6 * kg)
        XCTAssertEqual(l.state.contained(flour, in: box), 4 * kg)

        // pack 500 g more into the existing container
        try l.admit("mill", .lotAggregate, Bodies.aggregate(sscc, [Bodies.line("farm/flour-1", "500", "g")]))
        XCTAssertEqual(l.state.contained(flour, in: box), 4_500_000_000)
        XCTAssertEqual(l.state.holding(flour, by: mill), 5_500_000_000)
        XCTAssertEqual(l.state.holding(box, by: mill), 1_000_000, "the container is created once")

        // unpack 1.5 kg
        try l.admit("mill", .lotDisaggregate, Bodies.aggregate(sscc, [Bodies.line("farm/flour-1", "1.5", "kg")]))
        XCTAssertEqual(l.state.contained(flour, in: box), 3 * kg)
        XCTAssertEqual(l.state.holding(flour, by: mill), 7 * kg)

        // mass is conserved: 25.5 at the farm + 7 at the mill + 3 in the box = 35.5 kg
        let total = l.state.holding(flour, by: farm) + l.state.holding(flour, by: mill) + l.state.contained(flour, in: box)
        XCTAssertEqual(total, 35_500_000_000)
    }

    func testShipAndReceiveTheContainerItself() throws {
        let l = try world()
        try l.admit("farm", .lotAggregate, Bodies.aggregate(sscc, [Bodies.line("farm/raw-1", "20", "kg")]))
        let ship = try l.admit("farm", .custodyShip, Bodies.ship(to: "truck", [Bodies.line(sscc, "1", "pcs")]))
        try l.admit("truck", .custodyReceive, Bodies.receive(ship.id, [Bodies.line(sscc, "1", "pcs")]))
        let box = LotID(sscc)!
        XCTAssertEqual(l.state.holding(box, by: PartyID("truck")!), 1_000_000)
        XCTAssertEqual(l.state.holding(box, by: PartyID("farm")!), 0)
        // The logistics party may unpack what it now holds.
        try l.admit("truck", .lotDisaggregate, Bodies.aggregate(sscc, [Bodies.line("farm/raw-1", "20", "kg")]))
        XCTAssertEqual(l.state.holding(LotID("farm/raw-1")!, by: PartyID("truck")!), 20 * kg)
        XCTAssertEqual(l.state.contained(LotID("farm/raw-1")!, in: box), 0)
    }

    func testContainersMoveWholeAndAreNeverIngredients() throws {
        let l = try world()
        try l.admit("farm", .lotAggregate, Bodies.aggregate(sscc, [Bodies.line("farm/raw-1", "20", "kg")]))
        // Part of a container cannot be shipped (the rest could otherwise still be unpacked).
        l.assertRefused(try l.event("farm", .custodyShip, Bodies.ship(to: "truck", [Bodies.line(sscc, "0.5", "pcs")])), .massBalance)
        // Nor can a container be consumed by a transformation.
        let transform: JSONValue = ["inputs": [Bodies.line(sscc, "1", "pcs")],
                                    "outputs": [["lot": "farm/out-1", "product": "x", "class": "grain", "quantity": Bodies.qty("1", "kg")]]]
        l.assertRefused(try l.event("farm", .lotTransform, transform), .status)
        // Whole, it moves.
        try l.admit("farm", .custodyShip, Bodies.ship(to: "truck", [Bodies.line(sscc, "1", "pcs")]))
    }

    // MARK: Keys

    func testRotateKeyRetiresTheOldOne() throws {
        let l = try world()
        let old = l.key("farm")
        let new = try PrivateKey.generate(.ed25519)
        let rot = try l.admit("admin", .partyRotateKey, Bodies.rotate("farm", new.publicKey, retire: [old.publicKey.keyID]))
        XCTAssertEqual(l.state.keys[old.publicKey.keyID]?.retiredBy, rot.id)
        XCTAssertEqual(l.state.keys[new.publicKey.keyID]?.addedBy, rot.id)

        let withOld = try l.event("farm", .lotCreate, Bodies.create("farm/raw-2", "1", "kg"), key: old)
        l.assertRefused(withOld, .keyNotAuthorized)
        do { try l.check(withOld); XCTFail() } catch { XCTAssertTrue(error.detail.hasSuffix("was retired"), error.detail) }

        try l.admit("farm", .lotCreate, Bodies.create("farm/raw-2", "1", "kg"), key: new)
        XCTAssertEqual(l.state.holding(LotID("farm/raw-2")!, by: PartyID("farm")!), kg)

        // retiring an already retired key, or a key of another party
        l.assertRefused(try l.event("admin", .partyRotateKey, Bodies.rotate("farm", try PrivateKey.generate(.ed25519).publicKey,
                                                                           retire: [old.publicKey.keyID])), .status)
        l.assertRefused(try l.event("admin", .partyRotateKey, Bodies.rotate("farm", try PrivateKey.generate(.ed25519).publicKey,
                                                                           retire: [l.key("mill").publicKey.keyID])), .unknownReference)
    }

    func testRotateWithoutRetireKeepsBothKeys() throws {
        let l = try world()
        let old = l.key("farm")
        let new = try PrivateKey.generate(.ed25519)
        try l.admit("admin", .partyRotateKey, Bodies.rotate("farm", new.publicKey))
        try l.admit("farm", .lotCreate, Bodies.create("farm/a", "1", "kg"), key: old)
        try l.admit("farm", .lotCreate, Bodies.create("farm/b", "1", "kg"), key: new)
        XCTAssertEqual(l.state.lots.count, 3)
    }

    // MARK: Certificates

    func testCertificateSuspendAndRevoke() throws {
        let l = try world()
        let cert = PartyID("cert")!
        let key = CertificateKey(issuer: cert, number: "MUI-1")
        let issue = try l.admit("cert", .certIssue, Bodies.certIssue("MUI-1", holder: "mill"))
        XCTAssertEqual(l.state.certificates[key], CertificateRecord(
            holder: PartyID("mill")!, status: .active, validFrom: Timestamp("2026-01-01T00:00:00Z")!,
            validUntil: Timestamp("2027-01-01T00:00:00Z")!, issuedBy: issue.id, statusBy: nil))
        l.assertRefused(try l.event("cert", .certIssue, Bodies.certIssue("MUI-1", holder: "farm")), .alreadyExists)

        let suspend = try l.admit("cert", .certSuspend, Bodies.certStatus("MUI-1"))
        XCTAssertEqual(l.state.certificates[key]?.status, .suspended)
        XCTAssertEqual(l.state.certificates[key]?.statusBy, suspend.id)
        l.assertRefused(try l.event("cert", .certSuspend, ["number": "MUI-1", "reason": "again"]), .status)

        let revoke = try l.admit("cert", .certRevoke, Bodies.certStatus("MUI-1"))
        XCTAssertEqual(l.state.certificates[key]?.status, .revoked)
        XCTAssertEqual(l.state.certificates[key]?.statusBy, revoke.id)
        l.assertRefused(try l.event("cert", .certRevoke, ["number": "MUI-1", "reason": "again"]), .status)
        l.assertRefused(try l.event("cert", .certSuspend, ["number": "MUI-1", "reason": "later"]), .status)

        // Only the issuer's own numbers: another certifier's MUI-1 is unknown to it.
        try l.register("cert2", .certifier)
        l.assertRefused(try l.event("cert2", .certSuspend, Bodies.certStatus("MUI-1")), .unknownReference)
    }

    // MARK: Incidents and recall

    func testIncidentAndResolution() throws {
        let l = try world()
        let raw = LotID("farm/raw-1")!
        // The auditor does not hold the lot, but oversight roles may report on any lot.
        let inc = try l.admit("audit", .lotIncident, Bodies.incident("farm/raw-1"))
        XCTAssertEqual(l.state.incidents[inc.id], IncidentRecord(lot: raw, resolvedBy: nil))
        try l.admit("audit", .lotInspect, Bodies.inspect("farm/raw-1"))

        let res = try l.admit("farm", .lotIncident, Bodies.incident("farm/raw-1", kind: "resolution", resolves: inc.id))
        XCTAssertEqual(l.state.incidents[inc.id], IncidentRecord(lot: raw, resolvedBy: res.id))
        XCTAssertNil(l.state.incidents[res.id], "a resolution is not an incident of its own")
        XCTAssertEqual(l.state.incidents.count, 1)

        let again = try l.event("audit", .lotIncident, ["lot": "farm/raw-1", "kind": "resolution", "description": "again",
                                                        "resolves": .string(inc.id.hex)])
        l.assertRefused(again, .status)

        // A resolution naming an incident on another lot
        try l.admit("farm", .lotCreate, Bodies.create("farm/raw-2", "1", "kg"))
        let inc2 = try l.admit("audit", .lotIncident, Bodies.incident("farm/raw-2"))
        l.assertRefused(try l.event("audit", .lotIncident, Bodies.incident("farm/raw-1", kind: "resolution", resolves: inc2.id)),
                        .unknownReference)
        // A producer reporting on a lot it does not hold
        l.assertRefused(try l.event("mill", .lotIncident, Bodies.incident("farm/raw-1")), .custody)
        l.assertRefused(try l.event("mill", .lotInspect, Bodies.inspect("farm/raw-1")), .custody)
    }

    func testRecall() throws {
        let l = try world()
        let raw = LotID("farm/raw-1")!
        // Only the creator (or an oversight role) may recall.
        l.assertRefused(try l.event("mill", .lotRecall, Bodies.recall("farm/raw-1")), .custody)
        let recall = try l.admit("farm", .lotRecall, Bodies.recall("farm/raw-1"))
        XCTAssertEqual(l.state.lots[raw]?.recalledBy, recall.id)
        l.assertRefused(try l.event("cert", .lotRecall, Bodies.recall("farm/raw-1")), .status)

        try l.admit("farm", .lotCreate, Bodies.create("farm/raw-2", "1", "kg"))
        let byAdmin = try l.admit("admin", .lotRecall, Bodies.recall("farm/raw-2"))
        XCTAssertEqual(l.state.lots[LotID("farm/raw-2")!]?.recalledBy, byAdmin.id)
    }

    func testRevokedPartyAndCleanse() throws {
        let l = try world()
        try l.admit("truck", .lotCleanse, ["asset": "truck/tank-1", "method": "sertu", "washes": 7, "clay": true, "supervisor": "cert"])
        let before = l.state
        let rev = try l.admit("admin", .partyRevoke, Bodies.revoke("truck"))
        XCTAssertEqual(l.state.parties[PartyID("truck")!]?.revokedBy, rev.id)
        XCTAssertNotEqual(l.state, before)
        l.assertRefused(try l.event("truck", .lotCleanse, ["asset": "truck/tank-1", "method": "standard"]), .revokedActor)
    }

    // MARK: One test per admission rule

    func testRuleSchema() throws {
        let l = try world()
        let before = l.state
        let k = l.key("farm")
        XCTAssertThrowsError(try EventEnvelope.Unsigned(ledger: TestLedger.ledgerID, type: .lotCreate, actor: PartyID("farm")!,
                                                        keyID: k.publicKey.keyID, time: TestLedger.now,
                                                        body: ["lot": "farm/x", "product": "p", "class": "c"])) { error in
            XCTAssertEqual(error as? AdmissionError, AdmissionError(.schema, "body.quantity: required field is missing"))
        }
        XCTAssertThrowsError(try EventEnvelope.parse(Array("[1]".utf8))) { error in
            XCTAssertEqual((error as? AdmissionError)?.rule, .schema)
        }
        XCTAssertEqual(l.state, before)
    }

    func testRuleTooLarge() throws {
        let l = try world()
        let before = l.state
        // The body is valid, but the canonical envelope is over 65536 bytes.
        let body: JSONValue = ["lot": "farm/big", "product": "p", "class": "c", "quantity": ["amount": "1", "unit": "kg"],
                               "attributes": ["notes": .string(String(repeating: "a", count: 70_000))]]
        XCTAssertThrowsError(try l.event("farm", .lotCreate, body)) { error in
            XCTAssertEqual((error as? AdmissionError)?.rule, .tooLarge)
        }
        // Just under the limit is fine.
        let small: JSONValue = ["lot": "farm/big", "product": "p", "class": "c", "quantity": ["amount": "1", "unit": "kg"],
                                "attributes": ["notes": .string(String(repeating: "a", count: 64_000))]]
        try l.admit("farm", .lotCreate, small)
        // An input line over 256 KiB is refused before parsing.
        XCTAssertThrowsError(try EventEnvelope.parse([UInt8](repeating: 0x20, count: Limits.maxInputLineBytes + 1))) { error in
            XCTAssertEqual((error as? AdmissionError)?.rule, .tooLarge)
        }
        XCTAssertNotEqual(l.state, before)
    }

    func testRuleLedgerID() throws {
        let l = try world()
        l.assertRefused(try l.event("farm", .lotCreate, Bodies.create("farm/x", "1", "kg"), ledger: String(repeating: "cd", count: 32)), .ledgerID)
    }

    func testRuleFutureTime() throws {
        let l = try world()
        let limit = Timestamp(unixSeconds: TestLedger.now.unixSeconds + Limits.maxFutureSkewSeconds)
        let over = Timestamp("2026-11-29T05:05:00.000000001Z")!
        XCTAssertEqual(limit.text, "2026-11-29T05:05:00Z")
        l.assertRefused(try l.event("farm", .lotCreate, Bodies.create("farm/x", "1", "kg"), time: over), .futureTime)
        // Exactly 300 s ahead, and any time in the past, are accepted.
        try l.check(try l.event("farm", .lotCreate, Bodies.create("farm/x", "1", "kg"), time: limit))
        try l.check(try l.event("farm", .lotCreate, Bodies.create("farm/x", "1", "kg"), time: Timestamp("2020-01-01T00:00:00Z")!))
        // The same event is fine once the clock has moved on.
        try l.check(try l.event("farm", .lotCreate, Bodies.create("farm/x", "1", "kg"), time: over), now: Timestamp("2026-11-29T05:00:01Z")!)
    }

    func testRuleUnknownActor() throws {
        let l = try world()
        let stranger = try PrivateKey.generate(.ed25519)
        l.assertRefused(try l.event("stranger", .lotCreate, Bodies.create("stranger/x", "1", "kg"), key: stranger), .unknownActor)
    }

    func testRuleRevokedActor() throws {
        let l = try world()
        try l.admit("admin", .partyRevoke, Bodies.revoke("farm"))
        l.assertRefused(try l.event("farm", .lotCreate, Bodies.create("farm/x", "1", "kg")), .revokedActor)
    }

    func testRuleKeyNotAuthorized() throws {
        let l = try world()
        // an unregistered key, and another party's key
        l.assertRefused(try l.event("farm", .lotCreate, Bodies.create("farm/x", "1", "kg"), key: try PrivateKey.generate(.ed25519)),
                        .keyNotAuthorized)
        l.assertRefused(try l.event("farm", .lotCreate, Bodies.create("farm/x", "1", "kg"), key: l.key("mill")), .keyNotAuthorized)
        let foreign = try l.event("farm", .lotCreate, Bodies.create("farm/x", "1", "kg"), key: l.key("mill"))
        do {
            try l.check(foreign)
            XCTFail("another party's key accepted")
        } catch {
            XCTAssertTrue(error.detail.hasSuffix("belongs to mill"), error.detail)
        }
    }

    func testRuleSignature() throws {
        let l = try world()
        let good = try l.event("farm", .lotCreate, Bodies.create("farm/x", "1", "kg"))
        var sig = good.signature
        sig[5] ^= 0x01
        let bad = try EventEnvelope(parts: good.unsignedParts, signature: sig)
        l.assertRefused(bad, .signature)
        // A signature by the right key over another statement
        let other = try l.event("farm", .lotCreate, Bodies.create("farm/y", "1", "kg"))
        l.assertRefused(try EventEnvelope(parts: good.unsignedParts, signature: other.signature), .signature)
        // A precomputed verdict is honoured.
        let before = l.state
        XCTAssertThrowsError(try l.admission.check(good, in: l.state, now: TestLedger.now, signatureValid: false) { _ in false }) { error in
            XCTAssertEqual((error as? AdmissionError)?.rule, .signature)
        }
        XCTAssertEqual(l.state, before)
        try l.check(good)
    }

    func testRuleRole() throws {
        let l = try world()
        l.assertRefused(try l.event("farm", .partyRegister, Bodies.register("evil", .admin, try PrivateKey.generate(.ed25519).publicKey)), .role)
        l.assertRefused(try l.event("truck", .lotCreate, Bodies.create("truck/x", "1", "kg")), .role)
        l.assertRefused(try l.event("audit", .lotRecall, Bodies.recall("farm/raw-1")), .role)
        l.assertRefused(try l.event("mill", .certIssue, Bodies.certIssue("X-1", holder: "mill")), .role)
        l.assertRefused(try l.event("admin", .lotCreate, Bodies.create("admin/x", "1", "kg")), .role)
    }

    func testRuleDuplicate() throws {
        let l = try world()
        let e = try l.admit("farm", .lotInspect, Bodies.inspect("farm/raw-1"))
        l.assertRefused(e, .duplicate)
        // Re-signing the same statement gives the same id: still a duplicate.
        let again = try l.event("farm", .lotInspect, Bodies.inspect("farm/raw-1"))
        XCTAssertEqual(again.id, e.id)
        l.assertRefused(again, .duplicate)
    }

    func testRuleUnknownReference() throws {
        let l = try world()
        l.assertRefused(try l.event("farm", .custodyShip, Bodies.ship(to: "nobody", [Bodies.line("farm/raw-1", "1", "kg")])), .unknownReference)
        l.assertRefused(try l.event("farm", .custodyShip, Bodies.ship(to: "mill", [Bodies.line("farm/none", "1", "kg")])), .unknownReference)
        l.assertRefused(try l.event("mill", .custodyReceive, Bodies.receive(EventID(hex: String(repeating: "0", count: 64))!,
                                                                             [Bodies.line("farm/raw-1", "1", "kg")])), .unknownReference)
        l.assertRefused(try l.event("cert", .certIssue, Bodies.certIssue("X-1", holder: "nobody")), .unknownReference)
        l.assertRefused(try l.event("admin", .partyRevoke, Bodies.revoke("nobody")), .unknownReference)
        l.assertRefused(try l.event("mill", .lotDisaggregate, Bodies.aggregate(sscc, [Bodies.line("farm/raw-1", "1", "kg")])), .unknownReference)
        l.assertRefused(try l.event("truck", .lotCleanse, ["asset": "tank", "method": "sertu", "supervisor": "nobody"]), .unknownReference)
        var ship = Bodies.ship(to: "mill", [Bodies.line("farm/raw-1", "1", "kg")])
        if case .object(var o) = ship { o["carrier"] = "nobody"; ship = .object(o) }
        l.assertRefused(try l.event("farm", .custodyShip, ship), .unknownReference)
    }

    func testRuleAlreadyExists() throws {
        let l = try world()
        l.assertRefused(try l.event("farm", .lotCreate, Bodies.create("farm/raw-1", "1", "kg")), .alreadyExists)
        l.assertRefused(try l.event("admin", .partyRegister, Bodies.register("farm", .producer, try PrivateKey.generate(.ed25519).publicKey)),
                        .alreadyExists)
        l.assertRefused(try l.event("admin", .partyRegister, Bodies.register("newco", .producer, l.key("mill").publicKey)), .alreadyExists)
        l.assertRefused(try l.event("admin", .partyRotateKey, Bodies.rotate("farm", l.key("mill").publicKey)), .alreadyExists)
        try l.admit("farm", .lotCreate, Bodies.create("farm/raw-2", "1", "kg"))
        l.assertRefused(try l.event("farm", .lotTransform, Bodies.transform(inputs: [Bodies.line("farm/raw-1", "1", "kg")],
                                                                            outputs: [("farm/raw-2", "1", "kg")])), .alreadyExists)
    }

    func testRuleNamespace() throws {
        let l = try world()
        l.assertRefused(try l.event("mill", .lotCreate, Bodies.create("farm/stolen", "1", "kg")), .namespace)
        l.assertRefused(try l.event("mill", .lotAggregate, Bodies.aggregate("farm/box", [Bodies.line("farm/raw-1", "1", "kg")])), .namespace)
        // Global ids (EPC, Digital Link) belong to no party's namespace.
        try l.admit("mill", .lotCreate, Bodies.create("urn:epc:class:lgtin:4012345.012345.998877", "5", "l"))
        try l.admit("mill", .lotCreate, Bodies.create("https://id.gs1.org/01/09506000134352/10/ABC", "5", "pcs"))
    }

    func testRuleCustody() throws {
        let l = try world()
        l.assertRefused(try l.event("mill", .custodyShip, Bodies.ship(to: "farm", [Bodies.line("farm/raw-1", "1", "kg")])), .custody)
        l.assertRefused(try l.event("farm", .custodyShip, Bodies.ship(to: "farm", [Bodies.line("farm/raw-1", "1", "kg")])), .custody)
        let ship = try l.admit("farm", .custodyShip, Bodies.ship(to: "mill", [Bodies.line("farm/raw-1", "10", "kg")]))
        // addressed to the mill, not the truck
        l.assertRefused(try l.event("truck", .custodyReceive, Bodies.receive(ship.id, [Bodies.line("farm/raw-1", "10", "kg")])), .custody)
        // lines that differ from the shipment
        l.assertRefused(try l.event("mill", .custodyReceive, Bodies.receive(ship.id, [Bodies.line("farm/raw-1", "9", "kg")])), .custody)
        try l.admit("mill", .custodyReceive, Bodies.receive(ship.id, [Bodies.line("farm/raw-1", "10000", "g")]))
        // received twice
        l.assertRefused(try l.event("mill", .custodyReceive, Bodies.receive(ship.id, [Bodies.line("farm/raw-1", "10", "kg")])), .custody)
        // the truck holds nothing to transform or pack
        l.assertRefused(try l.event("truck", .lotAggregate, Bodies.aggregate(sscc, [Bodies.line("farm/raw-1", "1", "kg")])), .custody)
    }

    func testRuleMassBalance() throws {
        let l = try world()
        // more than held (100 kg), by one microgram
        l.assertRefused(try l.event("farm", .custodyShip, Bodies.ship(to: "mill", [Bodies.line("farm/raw-1", "100.000000001", "kg")])),
                        .massBalance)
        try l.check(try l.event("farm", .custodyShip, Bodies.ship(to: "mill", [Bodies.line("farm/raw-1", "100", "kg")])))
        // a unit of another dimension
        l.assertRefused(try l.event("farm", .custodyShip, Bodies.ship(to: "mill", [Bodies.line("farm/raw-1", "1", "l")])), .massBalance)
        l.assertRefused(try l.event("farm", .lotTransform, Bodies.transform(inputs: [Bodies.line("farm/raw-1", "100001", "g")],
                                                                            outputs: [("farm/x", "1", "kg")])), .massBalance)
        try l.admit("farm", .lotAggregate, Bodies.aggregate(sscc, [Bodies.line("farm/raw-1", "2", "kg")]))
        l.assertRefused(try l.event("farm", .lotDisaggregate, Bodies.aggregate(sscc, [Bodies.line("farm/raw-1", "2001", "g")])), .massBalance)
    }

    func testRuleStatus() throws {
        let l = try world()
        try l.admit("admin", .partyRevoke, Bodies.revoke("truck"))
        l.assertRefused(try l.event("admin", .partyRevoke, ["party": "truck", "reason": "again"]), .status)
        l.assertRefused(try l.event("admin", .partyRevoke, Bodies.revoke("admin")), .status)
        l.assertRefused(try l.event("farm", .custodyShip, Bodies.ship(to: "truck", [Bodies.line("farm/raw-1", "1", "kg")])), .status)
        l.assertRefused(try l.event("admin", .partyRotateKey, Bodies.rotate("truck", try PrivateKey.generate(.ed25519).publicKey)), .status)
        // a plain lot used as a container
        l.assertRefused(try l.event("farm", .lotDisaggregate, Bodies.aggregate("farm/raw-1", [Bodies.line("farm/raw-1x", "1", "kg")])), .status)
        try l.admit("farm", .lotCreate, Bodies.create("farm/raw-2", "5", "kg"))
        l.assertRefused(try l.event("farm", .lotAggregate, Bodies.aggregate("farm/raw-1", [Bodies.line("farm/raw-2", "1", "kg")])), .status)
    }

    /// Every rule is reachable, and each scenario above names a distinct rule.
    func testEveryRuleIsCovered() throws {
        let l = try world()
        var seen = Set<AdmissionRule>()
        func record(_ body: () throws -> Void) {
            do { try body() } catch let e as AdmissionError { seen.insert(e.rule) } catch { XCTFail("\(error)") }
        }
        record { _ = try EventEnvelope.parse(Array("{}".utf8)) }
        // The EPCIS rules (EPCISAdmissionTests has them in detail): an admission without a hash
        // function refuses every kept EPCIS event; one with it refuses a second event of one hash.
        let epcisHash = try EPCISAdmissionTests.hash(of: EPCISAdmissionTests.observed)
        let imported = try l.event("farm", .lotCreate, EPCISAdmissionTests.with(Bodies.create("farm/e1", "1", "kg"),
                                                                               epcis: EPCISAdmissionTests.observed, hash: epcisHash))
        record { try l.check(imported) }
        record {
            var s = l.state
            let hashing = Admission(ledgerID: TestLedger.ledgerID, epcisHash: KeptEPCISEvent.hashURI)
            try hashing.check(imported, in: s, now: TestLedger.now) { _ in false }
            Admission.apply(imported, to: &s)
            let twice = try l.event("farm", .lotCreate, EPCISAdmissionTests.with(Bodies.create("farm/e2", "1", "kg"),
                                                                                epcis: EPCISAdmissionTests.observed, hash: epcisHash))
            try hashing.check(twice, in: s, now: TestLedger.now) { _ in false }
        }
        record { _ = try l.event("farm", .lotCreate, ["lot": "farm/x", "product": "p", "class": "c", "quantity": ["amount": "1", "unit": "kg"],
                                                     "attributes": ["n": .string(String(repeating: "a", count: 70_000))]]) }
        record { try l.check(try l.event("farm", .lotCreate, Bodies.create("farm/x", "1", "kg"), ledger: String(repeating: "0", count: 64))) }
        record { try l.check(try l.event("farm", .lotCreate, Bodies.create("farm/x", "1", "kg"), time: Timestamp("2027-01-01T00:00:00Z")!)) }
        record { try l.check(try l.event("nobody", .lotCreate, Bodies.create("nobody/x", "1", "kg"))) }
        record { try l.check(try l.event("farm", .lotCreate, Bodies.create("farm/x", "1", "kg"), key: l.key("mill"))) }
        record {
            let e = try l.event("farm", .lotCreate, Bodies.create("farm/x", "1", "kg"))
            try l.check(try EventEnvelope(parts: e.unsignedParts, signature: [UInt8](repeating: 0, count: 64)))
        }
        record { try l.check(try l.event("truck", .lotCreate, Bodies.create("truck/x", "1", "kg"))) }
        record {
            let e = try l.event("farm", .lotCreate, Bodies.create("farm/x", "1", "kg"))
            try l.admission.check(e, in: l.state, now: TestLedger.now) { $0 == e.id }
        }
        record { try l.check(try l.event("farm", .lotRecall, Bodies.recall("farm/none"))) }
        record { try l.check(try l.event("farm", .lotCreate, Bodies.create("farm/raw-1", "1", "kg"))) }
        record { try l.check(try l.event("mill", .lotCreate, Bodies.create("farm/x", "1", "kg"))) }
        record { try l.check(try l.event("mill", .custodyShip, Bodies.ship(to: "farm", [Bodies.line("farm/raw-1", "1", "kg")]))) }
        record { try l.check(try l.event("farm", .custodyShip, Bodies.ship(to: "mill", [Bodies.line("farm/raw-1", "101", "kg")]))) }
        record { try l.check(try l.event("admin", .partyRevoke, Bodies.revoke("admin"))) }
        // revoked actor last, since it changes the state
        try l.admit("admin", .partyRevoke, Bodies.revoke("farm"))
        record { try l.check(try l.event("farm", .lotCreate, Bodies.create("farm/x", "1", "kg"))) }
        XCTAssertEqual(seen, Set(AdmissionRule.allCases), "not covered: \(Set(AdmissionRule.allCases).subtracting(seen))")
        XCTAssertEqual(AdmissionRule.allCases.map(\.rawValue), [
            "schema", "too-large", "ledger-id", "future-time", "unknown-actor", "revoked-actor", "key-not-authorized", "signature",
            "role", "duplicate", "unknown-reference", "already-exists", "namespace", "custody", "mass-balance", "status",
            "epcis-hash", "epcis-duplicate",
        ])
    }
}
