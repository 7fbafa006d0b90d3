import HADICCore
import XCTest
@testable import HADICEPCIS

/// Reading EPCIS 2.0 documents: the fixtures of every event type, the typed fields, and the
/// refusals, each naming the event index and the field.
final class DocumentParseTests: XCTestCase {
    func testEveryFixtureParsesAndHashes() throws {
        let expected: [(String, EPCISDocument.Kind, [EPCISEventType])] = [
            ("object-event.jsonld", .document, [.objectEvent, .objectEvent, .objectEvent]),
            ("aggregation-event.jsonld", .document, [.aggregationEvent]),
            ("transaction-event.jsonld", .document, [.transactionEvent]),
            ("transformation-event.jsonld", .document, [.transformationEvent]),
            ("association-event.jsonld", .document, [.associationEvent]),
            ("query-document.jsonld", .queryDocument, [.objectEvent, .aggregationEvent]),
        ]
        var hashes = Set<EPCISEventHash>()
        for (name, kind, types) in expected {
            let document = try EPCISDocument.parse(try EPCISTest.fixture(name))
            XCTAssertEqual(document.kind, kind, name)
            XCTAssertEqual(document.schemaVersion, "2.0", name)
            XCTAssertEqual(document.events.map(\.type), types, name)
            XCTAssertEqual(document.events.map(\.index), Array(types.indices), name)
            for event in document.events {
                let preHash = try EPCISEventHasher.preHashString(event, namespaces: document.namespaces)
                XCTAssertTrue(preHash.hasPrefix("eventType=\(event.type.rawValue)eventTime="), name)
                hashes.insert(try EPCISEventHasher.hash(event, namespaces: document.namespaces))
            }
        }
        XCTAssertEqual(hashes.count, 9, "every fixture event hashes differently")
    }

    func testTypedFieldsOfTheObjectEventFixture() throws {
        let document = try EPCISDocument.parse(try EPCISTest.fixture("object-event.jsonld"))
        XCTAssertEqual(document.namespaces["halal"], "https://ns.hadic.example/halal/")
        XCTAssertEqual(document.namespaces["cbvmda"], "urn:epcglobal:cbv:mda:")
        XCTAssertEqual(document.creationDate, "2026-03-02T09:00:00.000+08:00")
        let e = document.events[0]
        XCTAssertEqual(e.eventID, "urn:uuid:6a0a4f4e-1c1b-4c47-9f35-0d1c7e2a0001")
        XCTAssertEqual(e.eventTime.utc, "2026-03-02T00:15:00.000Z")
        XCTAssertEqual(e.eventTime.offset, "+08:00")
        XCTAssertEqual(e.recordTime?.utc, "2026-03-02T00:15:05.120Z")
        XCTAssertEqual(e.action, .add)
        XCTAssertEqual(e.bizStep, "https://ref.gs1.org/cbv/BizStep-commissioning")
        XCTAssertEqual(e.disposition, "https://ref.gs1.org/cbv/Disp-active")
        XCTAssertEqual(e.readPoint, "urn:epc:id:sgln:9551234.00000.1")
        XCTAssertEqual(e.bizLocation, "urn:epc:id:sgln:9551234.00000.0")
        XCTAssertEqual(e.epcList, ["urn:epc:id:sgtin:9551234.012345.1002", "urn:epc:id:sgtin:9551234.012345.1001"])
        XCTAssertEqual(e.quantityList, [EPCISQuantity(epcClass: "urn:epc:class:lgtin:9551234.012345.LOT-2026-03", quantity: "250.5", uom: "KGM")])
        XCTAssertNil(e.errorDeclaration)
        // The original is kept exactly: its canonical bytes equal those of the source event.
        let source = try JSONValue.parse(try EPCISTest.fixture("object-event.jsonld"))
        XCTAssertEqual(e.original, source["epcisBody"]?["eventList"]?[0])
        XCTAssertEqual(e.original["quantityList"]?[0]?["quantity"]?.numberValue?.literal, "250.50")

        let declared = document.events[2]
        XCTAssertEqual(declared.errorDeclaration?.declarationTime.utc, "2026-03-02T04:00:00.000Z")
        XCTAssertEqual(declared.errorDeclaration?.reason, "https://ref.gs1.org/cbv/ER-incorrect_data")
        XCTAssertEqual(declared.errorDeclaration?.correctiveEventIDs, ["urn:uuid:6a0a4f4e-1c1b-4c47-9f35-0d1c7e2a0001"])
    }

    func testTypedFieldsOfTransactionAndTransformationFixtures() throws {
        let transaction = try EPCISDocument.parse(try EPCISTest.fixture("transaction-event.jsonld")).events[0]
        XCTAssertEqual(transaction.parentID, "urn:epc:id:sscc:9551234.0000000001")
        XCTAssertEqual(transaction.bizTransactionList.first,
                       EPCISBizTransaction(type: "https://ref.gs1.org/cbv/BTT-po", id: "urn:epcglobal:cbv:bt:0614141000005:PO-7781"))
        XCTAssertEqual(transaction.sourceList.first,
                       EPCISSourceDest(type: "https://ref.gs1.org/cbv/SDT-owning_party", id: "urn:epc:id:pgln:9551234.00000"))
        XCTAssertEqual(transaction.destinationList.count, 2)

        let transformation = try EPCISDocument.parse(try EPCISTest.fixture("transformation-event.jsonld")).events[0]
        XCTAssertNil(transformation.action)
        XCTAssertEqual(transformation.inputEPCList, ["urn:epc:id:sgtin:9551234.012345.1001"])
        XCTAssertEqual(transformation.inputQuantityList.map(\.quantity), ["12.5", "100"])
        XCTAssertEqual(transformation.outputQuantityList.map(\.quantity), ["480"])
        XCTAssertEqual(transformation.outputQuantityList.map(\.uom), [nil])
        XCTAssertEqual(transformation.transformationID, "urn:epc:id:gdti:9551234.00001.BATCH-2603")

        let aggregation = try EPCISDocument.parse(try EPCISTest.fixture("aggregation-event.jsonld")).events[0]
        XCTAssertEqual(aggregation.childEPCs.count, 2)
        XCTAssertEqual(aggregation.childQuantityList.map(\.quantity), ["48"])
    }

    // MARK: - Refusals

    func testInvalidFixturesFailNamingTheFieldAndEvent() throws {
        let cases: [(String, EPCISError)] = [
            ("unknown-event-type.jsonld", .event(index: 1, field: "type", problem: .unknownEventType("HalalEvent"))),
            ("missing-event-time.jsonld", .event(index: 1, field: "eventTime", problem: .missing)),
        ]
        for (name, expected) in cases {
            XCTAssertThrowsError(try EPCISDocument.parse(try EPCISTest.fixture("invalid/" + name)), name) { error in
                XCTAssertEqual(error as? EPCISError, expected, name)
            }
        }
        XCTAssertThrowsError(try EPCISDocument.parse(try EPCISTest.fixture("invalid/malformed-epc.jsonld"))) { error in
            guard let e = error as? EPCISError, case .malformedIdentifier(.malformedEPC(let epc, _))? = e.problem else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(e.eventIndex, 1)
            XCTAssertEqual(e.field, "epcList[1]")
            XCTAssertEqual(epc, "urn:epc:id:sgtin:9551234.12345.1002")
            XCTAssertTrue(e.description.contains("event 1 field epcList[1]"), e.description)
        }
        XCTAssertThrowsError(try EPCISDocument.parse(try EPCISTest.fixture("invalid/bad-json.jsonld"))) { error in
            guard case .invalidJSON(.unexpectedByte)? = error as? EPCISError else { return XCTFail("\(error)") }
        }
    }

    func testDocumentLevelRefusals() {
        let event = #"{"type": "ObjectEvent", "eventTime": "2024-01-01T00:00:00Z", "eventTimeZoneOffset": "+00:00", "action": "ADD"}"#
        let good = EPCISTest.document([event])
        XCTAssertEqual(EPCISTest.parseError(good.replacingOccurrences(of: "\"EPCISDocument\"", with: "\"EPCISMasterDataDocument\"")),
                       .document(field: "type", problem: .unknownDocumentType("EPCISMasterDataDocument")))
        XCTAssertEqual(EPCISTest.parseError(good.replacingOccurrences(of: "\"eventList\"", with: "\"events\"")),
                       .document(field: "epcisBody.eventList", problem: .missing))
        XCTAssertEqual(EPCISTest.parseError(good.replacingOccurrences(of: "2024-01-01T00:00:00Z\", \"epcisBody", with: "yesterday\", \"epcisBody")),
                       .document(field: "creationDate", problem: .malformedTime("yesterday")))
        XCTAssertEqual(EPCISTest.parseError(good.replacingOccurrences(of: "\"type\": \"EPCISDocument\",", with: "")),
                       .document(field: "type", problem: .missing))
    }

    func testBlankNodeEventIDsAreAccepted() throws {
        let event = #"{"type": "ObjectEvent", "eventID": "_:event1", "eventTime": "2024-01-01T00:00:00Z", "eventTimeZoneOffset": "+00:00", "action": "ADD"}"#
        XCTAssertEqual(try EPCISTest.parse(EPCISTest.document([event])).events[0].eventID, "_:event1")
        XCTAssertEqual(EPCISTest.parseError(EPCISTest.document([event.replacingOccurrences(of: "_:event1", with: "event 1")])),
                       .event(index: 0, field: "eventID", problem: .malformedIdentifier(.notAURI("event 1"))))
    }

    func testEventLevelRefusalsNameTheField() {
        func refusal(_ event: String) -> EPCISError? {
            EPCISTest.parseError(EPCISTest.document([#"{"type": "ObjectEvent", "eventTime": "2024-01-01T00:00:00Z", "eventTimeZoneOffset": "+00:00", "action": "ADD"}"#, event]))
        }
        let head = #""eventTime": "2024-01-01T00:00:00Z", "eventTimeZoneOffset": "+00:00""#
        XCTAssertEqual(refusal(#"{"type": "ObjectEvent", "eventTime": "2024-01-01T00:00:00Z", "action": "ADD"}"#),
                       .event(index: 1, field: "eventTimeZoneOffset", problem: .missing))
        XCTAssertEqual(refusal(#"{"type": "ObjectEvent", "eventTime": "2024-01-01T00:00:00", "eventTimeZoneOffset": "+00:00", "action": "ADD"}"#),
                       .event(index: 1, field: "eventTime", problem: .malformedTime("2024-01-01T00:00:00")))
        XCTAssertEqual(refusal(#"{"type": "ObjectEvent", "eventTime": "2024-01-01T00:00:00Z", "eventTimeZoneOffset": "8", "action": "ADD"}"#),
                       .event(index: 1, field: "eventTimeZoneOffset", problem: .malformedTimeZoneOffset("8")))
        XCTAssertEqual(refusal(#"{"type": "ObjectEvent", \#(head), "action": "UPDATE"}"#),
                       .event(index: 1, field: "action", problem: .invalidAction("UPDATE")))
        XCTAssertEqual(refusal(#"{"type": "AggregationEvent", \#(head)}"#),
                       .event(index: 1, field: "action", problem: .missing))
        XCTAssertEqual(refusal(#"{"type": "ObjectEvent", \#(head), "action": "ADD", "quantityList": [{"epcClass": "urn:epc:class:lgtin:4012345.012345.L1", "quantity": "5"}]}"#),
                       .event(index: 1, field: "quantityList[0].quantity", problem: .malformedQuantity("\"5\"")))
        XCTAssertEqual(refusal(#"{"type": "ObjectEvent", \#(head), "action": "ADD", "quantityList": [{"epcClass": "urn:epc:class:lgtin:4012345.012345.L1", "quantity": -1}]}"#),
                       .event(index: 1, field: "quantityList[0].quantity", problem: .malformedQuantity("-1")))
        XCTAssertEqual(refusal(#"{"type": "ObjectEvent", \#(head), "action": "ADD", "parentID": "urn:epc:id:sscc:4012345.0000000111"}"#),
                       .event(index: 1, field: "parentID", problem: .notAllowed(eventType: "ObjectEvent")))
        XCTAssertEqual(refusal(#"{"type": "ObjectEvent", \#(head), "action": "ADD", "other:field": 1}"#),
                       .event(index: 1, field: "other:field", problem: .undeclaredPrefix("other")))
        XCTAssertEqual(refusal(#"{"type": "ObjectEvent", \#(head), "action": "ADD", "readPoint": {}}"#),
                       .event(index: 1, field: "readPoint.id", problem: .missing))
        XCTAssertEqual(refusal(#"{"type": "ObjectEvent", \#(head), "action": "ADD", "sourceList": [{"source": "urn:epc:id:pgln:4012345.00000"}]}"#),
                       .event(index: 1, field: "sourceList[0].type", problem: .missing))
        XCTAssertEqual(refusal(#"{"type": "ObjectEvent", \#(head), "action": "ADD", "epcList": "urn:epc:id:sgtin:0614141.107346.1"}"#),
                       .event(index: 1, field: "epcList", problem: .wrongType(expected: "an array of strings")))
        XCTAssertEqual(refusal(#"{"type": "ObjectEvent", \#(head), "action": "ADD", "errorDeclaration": {"reason": "incorrect_data"}}"#),
                       .event(index: 1, field: "errorDeclaration.declarationTime", problem: .missing))
        XCTAssertEqual(refusal(#"{"eventTime": "2024-01-01T00:00:00Z"}"#), .event(index: 1, field: "type", problem: .missing))
        XCTAssertEqual(refusal(#"{"type": "ObjectEvent", \#(head), "action": "ADD", "sensorElementList": [{"sensorReport": [{"type": "Temperature", "temperature": 3}]}]}"#),
                       .event(index: 1, field: "sensorElementList[0].sensorReport[0].temperature", problem: .notAllowed(eventType: "sensorReport")))
    }
}
