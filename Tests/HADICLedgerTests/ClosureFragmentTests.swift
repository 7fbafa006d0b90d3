import XCTest
import HADICCore
@testable import HADICLedger

/// ``ClosureFragment``'s order keys and combined fragments, and ``LeafIndexTable``: what a
/// node's first assessments take from what it prepared at start instead of sorting rows.
final class ClosureFragmentTests: XCTestCase {
    private let lot = LotID("farm/beef-1")
    private let actor = PartyID("farm")

    private func event(_ index: UInt64, _ type: EventType) throws -> LinkEvent {
        let id = try XCTUnwrap(EventID(bytes: (0..<32).map { UInt8(truncatingIfNeeded: Int(index) &+ $0) }))
        return LinkEvent(id: id, type: type, actor: try XCTUnwrap(actor), time: Timestamp(unixSeconds: 1_800_000_000 + Int64(index)),
                         keyID: String(repeating: "ab", count: 32))
    }

    private func row(_ index: UInt64, _ role: LotLink.Role, _ type: EventType = .custodyShip) throws -> LotLink {
        LotLink(lot: try XCTUnwrap(lot), leafIndex: index, role: role, event: try event(index, type))
    }

    /// Rows in the order a closure sorts them: leaf index, then role name.
    private func sorted(_ rows: [LotLink]) -> [LotLink] {
        rows.sorted { $0.leafIndex != $1.leafIndex ? $0.leafIndex < $1.leafIndex : $0.role.rawValue < $1.role.rawValue }
    }

    private func fragment(_ rows: [LotLink], use: UInt64) throws -> ClosureFragment {
        let links = sorted(rows)
        var roles = [[LotLink]](repeating: [], count: LotLink.Role.allCases.count)
        for link in links { roles[link.role.position].append(link) }
        return ClosureFragment(uses: [LotClosure.Use(party: try XCTUnwrap(actor), index: use)], links: links, byRole: roles)
    }

    func testOrderKeysSortAsAClosureSortsRows() throws {
        // One event touching the lot in several roles: ordered by role name, not by role position.
        let rows = try [row(7, .shipped), row(7, .consumed), row(7, .received), row(3, .recalled, .lotRecall), row(3, .created, .lotCreate)]
        let keys = rows.map(ClosureFragment.orderKey)
        XCTAssertEqual(zip(keys, rows).sorted { $0.0 < $1.0 }.map { $0.1 }, sorted(rows))
        for (key, row) in zip(keys, rows) {
            XCTAssertEqual(ClosureFragment.leafIndex(ofKey: key), row.leafIndex)
            XCTAssertEqual(ClosureFragment.rolePosition(ofKey: key), row.role.position)
        }
    }

    func testACombinedFragmentHoldsEachRowOfItsPartsOnceInOrder() throws {
        let made = try row(1, .created, .lotCreate), inspected = try row(2, .inspected, .lotInspect)
        let shipA = try row(10, .shipped), receiptA = try row(11, .received, .custodyReceive)
        let shipB = try row(20, .shipped), receiptB = try row(21, .received, .custodyReceive)
        let useA = try row(30, .consumed, .lotTransform), useB = try row(25, .consumed, .lotTransform)
        // Two uses sharing the story and the first shipment; the second also took a later one.
        let a = try fragment([made, inspected, shipA, receiptA, useA], use: 30)
        let b = try fragment([made, inspected, shipA, receiptA, shipB, receiptB, useB], use: 25)
        let both = ClosureFragment(uses: a.uses + b.uses, combining: [a, b])
        let expected = sorted([made, inspected, shipA, receiptA, shipB, receiptB, useA, useB])
        XCTAssertEqual(both.links.map { ObjectIdentifier($0) }, expected.map { ObjectIdentifier($0) })
        XCTAssertEqual(both.keys, expected.map(ClosureFragment.orderKey))
        for role in LotLink.Role.allCases {
            XCTAssertEqual(both.byRole[role.position].map(\.leafIndex), expected.filter { $0.role == role }.map(\.leafIndex), "\(role)")
        }
        XCTAssertEqual(both.shipments.map(\.ship.leafIndex), [10, 20])
        XCTAssertEqual(both.observations, [2])
        XCTAssertEqual(both.latest, useA.time)
        XCTAssertEqual(both.uses.map(\.index), [30, 25])
        // Combined the other way round: the same rows.
        XCTAssertEqual(ClosureFragment(uses: b.uses + a.uses, combining: [b, a]).keys, both.keys)
    }

    func testALeafIndexTableKeepsWhatWasSetAndNothingElse() {
        var table = LeafIndexTable<Int>()
        XCTAssertNil(table[0])
        for index: UInt64 in [0, 4095, 4096, 999_999, 5] { table[index] = Int(index) + 1 }
        XCTAssertEqual(table[0], 1)
        XCTAssertEqual(table[4095], 4096)
        XCTAssertEqual(table[4096], 4097)
        XCTAssertEqual(table[999_999], 1_000_000)
        XCTAssertNil(table[6], "an index on a written page but never set")
        XCTAssertNil(table[500_000], "an index on a page never written")
        table[5] = nil
        XCTAssertNil(table[5])
        table[LeafIndexTable<Int>.limit] = 7
        XCTAssertNil(table[LeafIndexTable<Int>.limit], "an index beyond the limit is not kept")
        XCTAssertNil(table[.max])
    }
}
