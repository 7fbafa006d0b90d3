import XCTest
import HADICCore
import HADICCrypto
import HADICLedger

/// ``ProvenanceCache``: a view of the ledger below a fixed size, read once.
final class ProvenanceCacheTests: XCTestCase {
    /// A provenance source of a few real events, counting what is read.
    final class CountingSource: ProvenanceSource {
        var stored: [UInt64: StoredEvent] = [:]
        var links: [LotLink] = []
        var records: [LotID: LotRecord] = [:]
        var eventReads = 0, lotReads = 0

        func links(of lot: LotID) throws -> [LotLink] { links.filter { $0.lot == lot }.sorted() }
        func links(at leafIndex: UInt64) throws -> [LotLink] { links.filter { $0.leafIndex == leafIndex }.sorted() }
        func event(at index: UInt64) throws -> StoredEvent? { eventReads += 1; return stored[index] }
        func lot(_ id: LotID) throws -> LotRecord? { lotReads += 1; return records[id] }
    }

    private func source() throws -> (CountingSource, LotID) {
        let key = try PrivateKey.generate(.ed25519)
        let src = CountingSource()
        let actor = try XCTUnwrap(PartyID("farm"))
        let lot = try XCTUnwrap(LotID("farm/flour-1"))
        let bodies: [(EventType, JSONValue)] = [
            (.lotCreate, ["lot": "farm/flour-1", "product": "flour", "class": "flour", "quantity": ["amount": "10", "unit": "kg"]]),
            (.lotInspect, ["lot": "farm/flour-1", "test": "visual", "result": "pass"]),
            (.lotInspect, ["lot": "farm/flour-1", "test": "moisture", "result": "pass"]),
        ]
        for (i, (type, body)) in bodies.enumerated() {
            let unsigned = try EventEnvelope.Unsigned(ledger: String(repeating: "ab", count: 32), type: type, actor: actor,
                                                      keyID: key.publicKey.keyID, time: Timestamp(unixSeconds: 1_800_000_000 + Int64(i)), body: body)
            let e = try unsigned.signed(with: key)
            let index = UInt64(i * 5)  // leaves 0, 5 and 10
            src.stored[index] = StoredEvent(index: index, id: e.id, block: 1, type: type, actor: actor, time: e.time, leafBytes: e.leafBytes)
            src.links += LotLink.links(of: e, at: index)
        }
        src.records[lot] = LotRecord(kind: .lot, product: "flour", materialClass: "flour", dimension: .mass, creator: actor,
                                     createdBy: try XCTUnwrap(src.stored[0]).id, recalledBy: nil)
        return (src, lot)
    }

    func testRowsAtOrAfterTheTreeSizeAreLeftOut() throws {
        let (src, lot) = try source()
        let cache = ProvenanceCache(treeSize: 6)
        let entry = try XCTUnwrap(try cache.lot(lot, from: src))
        XCTAssertEqual(entry.links.map(\.leafIndex), [0, 5])
        XCTAssertEqual(entry.links.first?.quantity?.description, "10 kg", "the index carries the created quantity")
        XCTAssertEqual(try ProvenanceCache().lot(lot, from: src)?.links.count, 3)
        // A lot whose rows all come later is not in this view of the ledger.
        XCTAssertNil(try ProvenanceCache(treeSize: 0).lot(lot, from: src))
    }

    func testEachLotAndEventIsReadOnce() throws {
        let (src, lot) = try source()
        let cache = ProvenanceCache()
        for _ in 0..<3 {
            _ = try cache.lot(lot, from: src)
            let e = try cache.event(at: 5, from: src)
            guard case .lotInspect(let i) = e.body else { return XCTFail("expected the inspection, got \(e.body)") }
            XCTAssertEqual(i.test, "visual")
            XCTAssertEqual(e.id, src.stored[5]?.id.hex)
        }
        XCTAssertEqual(src.lotReads, 1)
        XCTAssertEqual(src.eventReads, 1)
        XCTAssertEqual(cache.eventReads, 1)
        XCTAssertThrowsError(try cache.event(at: 7, from: src), "an index row naming a missing event is corruption")
    }

    func testAFullCacheEmptiesAndStillAnswers() throws {
        let (src, _) = try source()
        let cache = ProvenanceCache(capacity: 2)
        for index: UInt64 in [0, 5, 10, 0, 5, 10] { _ = try cache.event(at: index, from: src) }
        // Two fit; each third read empties the cache first, so every read of the cycle misses.
        XCTAssertEqual(src.eventReads, 6)
        XCTAssertEqual(try cache.event(at: 10, from: src).index, 10)
    }
}
