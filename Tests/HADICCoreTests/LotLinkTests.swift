import XCTest
import HADICCore
import HADICCrypto

final class LotLinkTests: XCTestCase {
    private static let event = LinkEvent(id: EventID(bytes: [UInt8](repeating: 7, count: 32))!, type: .lotCreate,
                                         actor: PartyID("farm")!, time: Timestamp("2026-01-01T00:00:00Z")!,
                                         keyID: String(repeating: "ab", count: 32))

    private func links(_ type: EventType, _ body: JSONValue) throws -> [String] {
        LotLink.links(of: try EventBody.parse(type: type, body: body), event: Self.event, at: 7).map { "\($0.lot) \($0.leafIndex) \($0.role.rawValue)" }
    }

    func testEachEventTypeLinksTheLotsItTouches() throws {
        let bodies = EventEnvelopeTests.validBodies(try PrivateKey.generate(.ed25519).publicKey)
        func body(_ t: EventType) throws -> JSONValue { try XCTUnwrap(bodies[t]) }
        XCTAssertEqual(try links(.lotCreate, body(.lotCreate)), ["farm/raw-1 7 created"])
        XCTAssertEqual(try links(.lotTransform, body(.lotTransform)), ["farm/raw-1 7 consumed", "farm/flour-1 7 produced"])
        XCTAssertEqual(try links(.lotAggregate, body(.lotAggregate)),
                       ["urn:epc:id:sscc:0614141.1234567890 7 container", "farm/flour-1 7 packed"])
        XCTAssertEqual(try links(.lotDisaggregate, body(.lotDisaggregate)),
                       ["urn:epc:id:sscc:0614141.1234567890 7 container", "farm/flour-1 7 unpacked"])
        XCTAssertEqual(try links(.custodyShip, body(.custodyShip)), ["farm/flour-1 7 shipped"])
        XCTAssertEqual(try links(.custodyReceive, body(.custodyReceive)), ["farm/flour-1 7 received"])
        XCTAssertEqual(try links(.lotInspect, body(.lotInspect)), ["farm/flour-1 7 inspected"])
        XCTAssertEqual(try links(.lotIncident, body(.lotIncident)), ["farm/flour-1 7 incident"])
        XCTAssertEqual(try links(.lotRecall, body(.lotRecall)), ["farm/flour-1 7 recalled"])
        for t in [EventType.partyRegister, .partyRotateKey, .partyRevoke, .certIssue, .certSuspend, .certRevoke, .lotCleanse] {
            XCTAssertEqual(try links(t, body(t)), [], t.rawValue)
        }
    }

    func testRowsCarryTheFactsQueriesNeed() throws {
        let bodies = EventEnvelopeTests.validBodies(try PrivateKey.generate(.ed25519).publicKey)
        func rows(_ t: EventType) throws -> [LotLink] {
            LotLink.links(of: try EventBody.parse(type: t, body: try XCTUnwrap(bodies[t])), event: Self.event, at: 7)
        }
        for t in [EventType.lotCreate, .custodyShip, .custodyReceive, .lotInspect] {
            for row in try rows(t) {
                XCTAssertEqual(row.event, Self.event, t.rawValue)
                XCTAssertEqual(row.actor, Self.event.actor)
            }
        }
        let ship = try XCTUnwrap(try rows(.custodyShip).first)
        guard case .custodyShip(let s) = try EventBody.parse(type: .custodyShip, body: try XCTUnwrap(bodies[.custodyShip])) else { return XCTFail() }
        XCTAssertEqual(ship.counterpart, s.to)
        XCTAssertEqual(ship.carrier, s.carrier)
        XCTAssertEqual(ship.place, s.vehicle)
        XCTAssertEqual(ship.segregated, s.segregated)
        XCTAssertNil(ship.shipment)
        let receive = try XCTUnwrap(try rows(.custodyReceive).first)
        guard case .custodyReceive(let r) = try EventBody.parse(type: .custodyReceive, body: try XCTUnwrap(bodies[.custodyReceive])) else { return XCTFail() }
        XCTAssertEqual(receive.shipment, r.shipment)
        XCTAssertEqual(receive.place, r.storage)
        XCTAssertNil(receive.counterpart)
        let create = try XCTUnwrap(try rows(.lotCreate).first)
        guard case .lotCreate(let c) = try EventBody.parse(type: .lotCreate, body: try XCTUnwrap(bodies[.lotCreate])) else { return XCTFail() }
        XCTAssertEqual(create.place, c.facility)
        // Rows differing only in a fact are different rows (what verify --full compares).
        let other = LotLink(lot: ship.lot, leafIndex: ship.leafIndex, role: ship.role, quantity: ship.quantity, event: ship.event,
                            counterpart: ship.counterpart, carrier: ship.carrier, place: "another-truck", segregated: ship.segregated)
        XCTAssertNotEqual(ship, other)
    }

    func testRolePositionIsItsIndexInAllCases() {
        XCTAssertEqual(LotLink.Role.allCases.map(\.position), Array(0..<LotLink.Role.allCases.count))
    }

    func testOrderIsLotThenIndexThenRoleByBytes() {
        let a = LotLink(lot: LotID("farm/a")!, leafIndex: 9, role: .shipped, event: Self.event)
        let b = LotLink(lot: LotID("farm/b")!, leafIndex: 1, role: .created, event: Self.event)
        let c = LotLink(lot: LotID("farm/a")!, leafIndex: 9, role: .inspected, event: Self.event)
        let d = LotLink(lot: LotID("farm/a")!, leafIndex: 10, role: .created, event: Self.event)
        XCTAssertEqual([a, b, c, d].sorted(), [c, a, d, b])
    }
}
