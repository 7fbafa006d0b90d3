import HADICCore
import HADICEPCIS
import XCTest

/// The admission rules of imported events (`epcis-hash`, `epcis-duplicate`) and of
/// `event.declare-error`, with the real EPCIS hasher, on an in-memory ledger.
final class EPCISAdmissionTests: XCTestCase {
    static let observed: JSONValue = [
        "type": "ObjectEvent", "eventTime": "2026-11-01T08:00:00.000+07:00", "eventTimeZoneOffset": "+07:00", "action": "ADD",
        "bizStep": "commissioning", "quantityList": [["epcClass": "urn:epc:class:lgtin:8991234.054321.CAB2611A", "quantity": 200, "uom": "KGM"]],
    ]
    static let zeroHash = "ni:///sha-256;" + String(repeating: "0", count: 64) + "?ver=CBV2.0"
    let hashing = Admission(ledgerID: TestLedger.ledgerID, epcisHash: KeptEPCISEvent.hashURI)

    /// The hash the real hasher gives `event`.
    static func hash(of event: JSONValue) throws -> String {
        let capture = EPCISCapture(event: event, namespaces: [:], hash: try XCTUnwrap(EPCISHashURI(zeroHash)))
        return try KeptEPCISEvent.hashURI(capture).get()
    }

    static func with(_ body: JSONValue, epcis event: JSONValue, hash: String) -> JSONValue {
        guard case .object(var members) = body else { return body }
        members["epcis"] = ["event": event, "hash": .string(hash)]
        return .object(members)
    }

    func world() throws -> TestLedger {
        let l = try TestLedger()
        try l.register("farm", .producer)
        try l.register("mill", .processor)
        try l.register("cert", .certifier)
        return l
    }

    func check(_ l: TestLedger, _ e: EventEnvelope) throws(AdmissionError) {
        try hashing.check(e, in: l.state, now: TestLedger.now) { l.known.contains($0) }
    }

    func refusal(_ body: () throws -> Void) -> AdmissionRule? {
        do { try body() } catch let e as AdmissionError { return e.rule } catch { XCTFail("\(error)") }
        return nil
    }

    func testWithoutAHashFunctionEveryEPCISMemberIsRefused() throws {
        let l = try world()
        let hash = try Self.hash(of: Self.observed)
        let e = try l.event("farm", .lotCreate, Self.with(Bodies.create("farm/e1", "200", "kg"), epcis: Self.observed, hash: hash))
        XCTAssertEqual(refusal { try l.check(e) }, .epcisHash)
        XCTAssertNil(refusal { try check(l, e) }, "the same event passes where the hash can be computed")
    }

    func testAStatedHashMustBeTheKeptEventsHash() throws {
        let l = try world()
        let wrong = try l.event("farm", .lotCreate, Self.with(Bodies.create("farm/e1", "200", "kg"), epcis: Self.observed, hash: Self.zeroHash))
        XCTAssertEqual(refusal { try check(l, wrong) }, .epcisHash)
        guard case .object(var altered) = Self.observed else { return XCTFail() }
        altered["bizStep"] = "shipping"
        let changed = try l.event("farm", .lotCreate, Self.with(Bodies.create("farm/e1", "200", "kg"), epcis: .object(altered),
                                                                 hash: try Self.hash(of: Self.observed)))
        XCTAssertEqual(refusal { try check(l, changed) }, .epcisHash)
        // A kept event with an error declaration belongs to event.declare-error only.
        var declared = altered
        declared["errorDeclaration"] = ["declarationTime": "2026-11-03T10:00:00.000+07:00"]
        XCTAssertEqual(refusal {
            _ = try l.event("farm", .lotCreate, Self.with(Bodies.create("farm/e1", "200", "kg"), epcis: .object(declared), hash: Self.zeroHash))
        }, .schema)
        XCTAssertEqual(refusal { _ = try l.event("farm", .lotCleanse, Self.with(["asset": "a", "method": "standard"], epcis: Self.observed, hash: Self.zeroHash)) },
                       .schema, "types an EPCIS event does not map to refuse the member")
    }

    func testADuplicateHashIsRefusedAndADeclarationNamesItOnce() throws {
        let l = try world()
        let hash = try Self.hash(of: Self.observed)
        let first = try l.event("farm", .lotCreate, Self.with(Bodies.create("farm/e1", "200", "kg"), epcis: Self.observed, hash: hash))
        try check(l, first)
        Admission.apply(first, to: &l.state)
        l.known.insert(first.id)
        XCTAssertEqual(l.state.epcisEvents[hash], EPCISEventRecord(event: first.id, actor: PartyID("farm")!, version: "CBV2.0", declaredBy: nil))
        let again = try l.event("farm", .lotCreate, Self.with(Bodies.create("farm/e2", "200", "kg"), epcis: Self.observed, hash: hash))
        XCTAssertEqual(refusal { try check(l, again) }, .epcisDuplicate)

        guard case .object(var declaration) = Self.observed else { return XCTFail() }
        declaration["errorDeclaration"] = ["declarationTime": "2026-11-03T10:00:00.000+07:00", "reason": "incorrect_data"]
        XCTAssertEqual(try Self.hash(of: .object(declaration)), hash, "the hash leaves errorDeclaration out")
        func declare(_ actor: String, event: EventID = first.id) throws -> EventEnvelope {
            try l.event(actor, .eventDeclareError, Self.with(["declared": .string(hash), "event": .string(event.hex),
                                                              "declared_at": "2026-11-03T03:00:00Z"],
                                                             epcis: .object(declaration), hash: hash))
        }
        XCTAssertEqual(refusal { try check(l, try declare("mill")) }, .role, "not the declared event's signer, a certifier or an admin")
        XCTAssertEqual(refusal { try check(l, try declare("farm", event: try XCTUnwrap(EventID(hex: String(repeating: "1", count: 64))))) },
                       .unknownReference, "the event must be the one carrying the hash")
        let byCertifier = try declare("cert")
        try check(l, byCertifier)
        Admission.apply(byCertifier, to: &l.state)
        XCTAssertEqual(l.state.epcisEvents[hash]?.declaredBy, byCertifier.id)
        XCTAssertEqual(refusal { try check(l, try declare("farm")) }, .status, "declared once")
    }
}
