import HADICCore
import HADICCrypto
@testable import HADICEPCIS
import XCTest

/// The export's parts on their own (docs/EPCIS.md, "Export"): URI forms, units, the certificate
/// register, the lot closure, quantities and the document's prefixes. The whole command is tested
/// through the binary in HADICCLITests/EPCISExportTests.
final class EPCISExportUnitTests: XCTestCase {
    static let ledger = String(repeating: "ab", count: 32)

    /// A signed envelope of `type` with `body`, by `actor` at `time` (keys are throwaway).
    func envelope(_ type: EventType, _ actor: String, _ time: String, _ body: JSONValue) throws -> EventEnvelope {
        let key = try PrivateKey.generate(.ed25519)
        let parts = try EventEnvelope.Unsigned(ledger: Self.ledger, type: type, actor: try XCTUnwrap(PartyID(actor)),
                                               keyID: key.publicKey.keyID, time: try XCTUnwrap(Timestamp(time)), body: body)
        return try parts.signed(with: key)
    }

    // MARK: URI forms

    func testHADICURIsReadBackToTheIdentifierTheyWereMadeFrom() throws {
        let lot = try XCTUnwrap(LotID("rph-sidoarjo/cattle-2026-10-005"))
        XCTAssertEqual(HADICURI.lot(lot), "urn:hadic:lot:rph-sidoarjo/cattle-2026-10-005")
        XCTAssertEqual(HADICURI.lotID(from: HADICURI.lot(lot)), lot)
        for gs1 in ["urn:epc:class:lgtin:8991234.012345.RDG2610A", "https://id.gs1.org/01/08991234000015/10/SPX2610A"] {
            let id = try XCTUnwrap(LotID(gs1))
            XCTAssertEqual(HADICURI.lot(id), gs1, "GS1 ids are EPCIS identifiers already")
            XCTAssertEqual(HADICURI.lotID(from: gs1), id)
        }
        XCTAssertNil(HADICURI.lotID(from: "rph-sidoarjo/cattle-2026-10-005"), "a bare PARTY/LOCAL text is no URI")
        XCTAssertNil(HADICURI.lotID(from: "urn:hadic:lot:urn:epc:class:lgtin:8991234.012345.X"), "only local lots take the urn:hadic:lot form")
        // One value, one spelling: escapes are upper-case and only where percentEncoded puts them.
        XCTAssertEqual(HADICURI.percentEncoded("a b:ü/c"), "a%20b%3A%C3%BC/c")
        XCTAssertEqual(HADICURI.percentDecoded("a%20b%3A%C3%BC/c"), "a b:ü/c")
        for other in ["a%20b%3a%C3%BC/c", "a%20b:%C3%BC/c", "%61%20b%3A%C3%BC/c", "a%2", "a%ZZ", "a%FF"] {
            XCTAssertNil(HADICURI.percentDecoded(other), other)
        }

        let party = try XCTUnwrap(PartyID("jatim-export"))
        XCTAssertEqual(HADICURI.partyID(from: HADICURI.party(party)), party)
        XCTAssertNil(HADICURI.partyID(from: "urn:hadic:location:jatim-export"), "the kind must match")

        // Any text: escaped once, read back exactly; one spelling.
        for value in ["truck L 9012:AB", "gudang/ruang-2", "50% área ☪", "a~b_c.d-e"] {
            let uri = HADICURI.uri(.asset, value)
            XCTAssertFalse(uri.dropFirst("urn:hadic:asset:".count).contains { $0 == " " || $0 == ":" }, uri)
            XCTAssertEqual(HADICURI.value(of: uri, kind: .asset), value)
        }
        XCTAssertEqual(HADICURI.uri(.asset, "a b:c"), "urn:hadic:asset:a%20b%3Ac")
        XCTAssertNil(HADICURI.value(of: "urn:hadic:asset:%61", kind: .asset), "an escaped unreserved byte is a second spelling")
        XCTAssertNil(HADICURI.value(of: "urn:hadic:asset:a%2", kind: .asset))
        XCTAssertNil(HADICURI.value(of: "urn:hadic:asset:a b", kind: .asset))
        XCTAssertEqual(HADICURI.certificate(issuer: try XCTUnwrap(PartyID("bpjph")), number: "ID-BPJPH/2026 01"),
                       "urn:hadic:cert:bpjph:ID-BPJPH/2026%2001")
    }

    func testUnitsAreOneToOneWithRec20Codes() {
        var seen = Set<String?>()
        for unit in QuantityUnit.allCases {
            let uom = EPCISUnitOfMeasure.uom(for: unit)
            XCTAssertTrue(seen.insert(uom).inserted, "\(unit)")
            XCTAssertEqual(EPCISUnitOfMeasure.unit(fromUOM: uom), unit)
        }
        XCTAssertNil(EPCISUnitOfMeasure.uom(for: .pcs))
        XCTAssertEqual(EPCISUnitOfMeasure.uom(for: .kg), "KGM")
        XCTAssertNil(EPCISUnitOfMeasure.unit(fromUOM: "LBR"))
    }

    // MARK: Quantities

    func testAmountsAreExactNumbersOrRefused() throws {
        XCTAssertEqual(try EPCISEventMapping.number("12.50", event: "e").description, "12.5")
        XCTAssertEqual(try EPCISEventMapping.number("0.000001", event: "e").description, "0.000001")
        XCTAssertEqual(try EPCISEventMapping.number("1000000", event: "e").description, "1000000")
        XCTAssertThrowsError(try EPCISEventMapping.number("123456789012.123456", event: "e")) { error in
            XCTAssertEqual(error as? EPCISExportError, .inexactQuantity(event: "e", amount: "123456789012.123456"))
        }
    }

    // MARK: Certificates

    func testCertificatesCountOnlyWhileIssuedValidAndNotWithdrawn() throws {
        var register = EPCISCertificateRegister()
        let holder = try XCTUnwrap(PartyID("rph-sidoarjo"))
        func t(_ s: String) throws -> Timestamp { try XCTUnwrap(Timestamp(s)) }
        register.feed(try envelope(.certIssue, "bpjph", "2026-10-02T00:00:00Z", [
            "number": "C-1", "holder": "rph-sidoarjo", "scope": ["classes": ["beef"]],
            "valid_from": "2026-01-01T00:00:00Z", "valid_until": "2026-12-31T00:00:00Z",
        ]))
        register.feed(try envelope(.certIssue, "jakim", "2026-10-02T00:00:00Z", [
            "number": "C-1", "holder": "rph-sidoarjo", "scope": ["classes": ["beef"]],
            "valid_from": "2026-11-01T00:00:00Z", "valid_until": "2027-12-31T00:00:00Z",
        ]))
        let both = ["urn:hadic:cert:bpjph:C-1", "urn:hadic:cert:jakim:C-1"]
        XCTAssertEqual(register.certificates(heldBy: holder, at: try t("2026-10-05T00:00:00Z")), ["urn:hadic:cert:bpjph:C-1"])
        XCTAssertEqual(register.certificates(heldBy: holder, at: try t("2026-11-05T00:00:00Z")), both)
        XCTAssertEqual(register.certificates(heldBy: holder, at: try t("2027-01-05T00:00:00Z")), ["urn:hadic:cert:jakim:C-1"])
        XCTAssertEqual(register.certificates(heldBy: try XCTUnwrap(PartyID("jatim-export")), at: try t("2026-11-05T00:00:00Z")), [])
        // Suspended from 2026-11-10 by its issuer (another issuer's C-1 stays).
        register.feed(try envelope(.certSuspend, "bpjph", "2026-11-10T00:00:00Z", ["number": "C-1", "reason": "audit"]))
        XCTAssertEqual(register.certificates(heldBy: holder, at: try t("2026-11-05T00:00:00Z")), both, "before the suspension")
        XCTAssertEqual(register.certificates(heldBy: holder, at: try t("2026-11-10T00:00:00Z")), ["urn:hadic:cert:jakim:C-1"])
        // A later revocation does not move the withdrawal back or forward.
        register.feed(try envelope(.certRevoke, "bpjph", "2026-12-01T00:00:00Z", ["number": "C-1", "reason": "final"]))
        XCTAssertEqual(register.certificates(heldBy: holder, at: try t("2026-11-05T00:00:00Z")), both)
    }

    // MARK: Closure

    func testClosureFollowsInputsAndContentsButNotAContainersOtherContents() throws {
        // ingredient -> product (transform); product and other packed on a pallet; the pallet shipped.
        var exporter = EPCISExporter(scope: EPCISExportScope(events: .lot(try XCTUnwrap(LotID("p/product")), closure: true), since: nil))
        let events: [(EventType, String, JSONValue)] = [
            (.lotCreate, "2026-10-01T00:00:00Z", ["lot": "p/ingredient", "product": "i", "class": "chili", "quantity": ["amount": "10", "unit": "kg"]]),
            (.lotCreate, "2026-10-01T00:01:00Z", ["lot": "p/unrelated", "product": "u", "class": "chili", "quantity": ["amount": "5", "unit": "kg"]]),
            (.lotCreate, "2026-10-01T00:02:00Z", ["lot": "p/other", "product": "o", "class": "chili", "quantity": ["amount": "3", "unit": "kg"]]),
            (.lotTransform, "2026-10-02T00:00:00Z", ["inputs": [["lot": "p/ingredient", "quantity": ["amount": "10", "unit": "kg"]]],
                                                     "outputs": [["lot": "p/product", "product": "x", "class": "spice", "quantity": ["amount": "9", "unit": "kg"]]]]),
            (.lotAggregate, "2026-10-03T00:00:00Z", ["parent": "urn:epc:id:sscc:8991234.0000000009",
                                                     "children": [["lot": "p/product", "quantity": ["amount": "9", "unit": "kg"]],
                                                                  ["lot": "p/other", "quantity": ["amount": "3", "unit": "kg"]]]]),
            (.custodyShip, "2026-10-04T00:00:00Z", ["to": "q", "lots": [["lot": "urn:epc:id:sscc:8991234.0000000009", "quantity": ["amount": "1", "unit": "pcs"]]]]),
        ]
        for (i, (type, time, body)) in events.enumerated() {
            exporter.feed(try envelope(type, "p", time, body), leafIndex: UInt64(i), recordTime: nil)
        }
        let doc = try exporter.document(creationDate: try XCTUnwrap(Timestamp("2026-11-01T00:00:00Z")))
        let leaves = (doc["epcisBody"]?["eventList"]?.arrayValue ?? []).compactMap { $0["hadic:leafIndex"]?.numberValue?.int64Value }
        // The ingredient's creation, the transformation, the packing and the pallet's shipment;
        // not the unrelated lot, nor the other lot's creation (it shares the pallet, not the history).
        XCTAssertEqual(leaves, [0, 3, 4, 5])

        var own = EPCISExporter(scope: EPCISExportScope(events: .lot(try XCTUnwrap(LotID("p/product")), closure: false), since: nil))
        for (i, (type, time, body)) in events.enumerated() { own.feed(try envelope(type, "p", time, body), leafIndex: UInt64(i), recordTime: nil) }
        let ownLeaves = (try own.document(creationDate: try XCTUnwrap(Timestamp("2026-11-01T00:00:00Z")))["epcisBody"]?["eventList"]?.arrayValue ?? [])
            .compactMap { $0["hadic:leafIndex"]?.numberValue?.int64Value }
        XCTAssertEqual(ownLeaves, [3, 4])

        var missing = EPCISExporter(scope: EPCISExportScope(events: .lot(try XCTUnwrap(LotID("p/none")), closure: false), since: nil))
        missing.feed(try envelope(events[0].0, "p", events[0].1, events[0].2), leafIndex: 0, recordTime: nil)
        XCTAssertThrowsError(try missing.document(creationDate: try XCTUnwrap(Timestamp("2026-11-01T00:00:00Z")))) { error in
            XCTAssertEqual(error as? EPCISExportError, .unknownLot("p/none"))
        }
    }

    // MARK: Prefixes

    func testHADICsPrefixStepsAsideForAnImportedBinding() {
        XCTAssertEqual(EPCISExporter.ownPrefix(besides: [:]), "hadic")
        XCTAssertEqual(EPCISExporter.ownPrefix(besides: ["hadic": HADICURI.namespace]), "hadic")
        XCTAssertEqual(EPCISExporter.ownPrefix(besides: ["hadic": "https://hadic.example/epcis/"]), "hadic1")
        XCTAssertEqual(EPCISExporter.ownPrefix(besides: ["hadic": "https://a/", "hadic1": "https://b/"]), "hadic2")
    }
}
