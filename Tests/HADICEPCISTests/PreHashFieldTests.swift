import XCTest
@testable import HADICEPCIS

/// Each family of fields in the pre-hash string: where it goes, how it is written.
final class PreHashFieldTests: XCTestCase {
    private let head = "eventType=ObjectEvent" + "eventTime=2024-05-01T06:30:00.000Z" + "eventTimeZoneOffset=+02:00"

    private func object(_ extra: String, action: String = "OBSERVE") -> String {
        """
        {"type": "ObjectEvent", "eventTime": "2024-05-01T08:30:00+02:00", "eventTimeZoneOffset": "+02:00",
         "action": "\(action)"\(extra.isEmpty ? "" : ", " + extra)}
        """
    }

    func testMinimalEvent() throws {
        XCTAssertEqual(try EPCISTest.preHash(object("")), head + "action=OBSERVE")
    }

    func testTimesAreUTCWithMillisecondsAndZ() throws {
        let cases: [(String, String)] = [
            ("2024-05-01T08:30:00+02:00", "2024-05-01T06:30:00.000Z"),
            ("2024-05-01T08:30:00.1+02:00", "2024-05-01T06:30:00.100Z"),
            ("2024-05-01T08:30:00.1234-05:30", "2024-05-01T14:00:00.123Z"),
            ("2024-05-01T08:30:00.1235Z", "2024-05-01T08:30:00.124Z"),
            ("2024-12-31T23:59:59.9996Z", "2025-01-01T00:00:00.000Z"),
            ("2024-03-01T01:00:00+08:00", "2024-02-29T17:00:00.000Z"),
        ]
        for (input, utc) in cases {
            XCTAssertEqual(EPCISTimestamp.utcMilliseconds(input), utc, input)
        }
        for bad in ["2024-05-01T08:30:00", "2024-05-01 08:30:00Z", "2024-02-30T00:00:00Z", "2024-05-01T08:30:00+15:00",
                    "2024-05-01T24:00:00Z", "2024-05-01T08:30:00.Z"] {
            XCTAssertNil(EPCISTimestamp.utcMilliseconds(bad), bad)
        }
        // The same instant written in two zones hashes alike (the offset field itself differs).
        let a = try EPCISTest.preHash(object("").replacingOccurrences(of: "2024-05-01T08:30:00+02:00", with: "2024-05-01T06:30:00.000Z"))
        XCTAssertEqual(a, try EPCISTest.preHash(object("")))
    }

    func testNumbersAreCanonicalFromTheirDecimalText() {
        let cases: [(String, String)] = [
            ("10.50", "10.5"), ("1e2", "100"), ("0.000", "0"), ("1.0", "1"), ("-0", "0"), ("0.3434", "0.3434"),
            ("1.5e-3", "0.0015"), ("1E+3", "1000"), ("007", "7"), ("+2.50", "2.5"),
            ("123456789012345678901234567890.10", "123456789012345678901234567890.1"), ("0.1", "0.1"), ("-12.340", "-12.34"),
        ]
        for (text, canonical) in cases {
            XCTAssertEqual(EPCISDecimal.canonical(text), canonical, text)
        }
        for bad in ["", "1.", ".5", "1e", "abc", "1-2", "2026-06-30", "1e999"] {
            XCTAssertNil(EPCISDecimal.canonical(bad), bad)
        }
    }

    func testEPCListsAreNormalisedAndSorted() throws {
        let a = try EPCISTest.preHash(object(#""epcList": ["urn:epc:id:sgtin:0614141.107346.2018", "https://example.com/01/00614141107346/21/2017"]"#))
        XCTAssertEqual(a, head + "epcList" + "epc=https://id.gs1.org/01/00614141107346/21/2017"
                        + "epc=https://id.gs1.org/01/10614141073464/21/2018" + "action=OBSERVE")
    }

    func testQuantityElements() throws {
        let pre = try EPCISTest.preHash(object(#""quantityList": [{"epcClass": "urn:epc:class:lgtin:4012345.012345.998877", "quantity": 200.50, "uom": "KGM"}, {"epcClass": "urn:epc:idpat:sgtin:4012345.012345.*", "quantity": 1e2}]"#))
        XCTAssertEqual(pre, head + "quantityList"
                        // Sorted as whole strings: "/" (0x2F) sorts before "q" (0x71).
                        + "quantityElement" + "epcClass=https://id.gs1.org/01/04012345123456/10/998877" + "quantity=200.5" + "uom=KGM"
                        + "quantityElement" + "epcClass=https://id.gs1.org/01/04012345123456" + "quantity=100"
                        + "action=OBSERVE")
    }

    func testVocabularyFieldsAndPersistentDisposition() throws {
        let pre = try EPCISTest.preHash(object(#""bizStep": "shipping", "disposition": "in_transit", "persistentDisposition": {"set": ["completeness_verified"], "unset": ["completeness_inferred"]}"#))
        XCTAssertEqual(pre, head + "action=OBSERVE" + "bizStep=https://ref.gs1.org/cbv/BizStep-shipping"
                        + "disposition=https://ref.gs1.org/cbv/Disp-in_transit"
                        + "persistentDisposition" + "set=https://ref.gs1.org/cbv/Disp-completeness_verified"
                        + "unset=https://ref.gs1.org/cbv/Disp-completeness_inferred")
    }

    func testCanonicalOrderOfAggregationAndTransformationFields() throws {
        let aggregation = """
        {"type": "AggregationEvent", "eventTime": "2024-05-01T08:30:00+02:00", "eventTimeZoneOffset": "+02:00",
         "childQuantityList": [{"epcClass": "urn:epc:class:lgtin:4012345.012345.L1", "quantity": 5}],
         "childEPCs": ["urn:epc:id:sgtin:0614141.107346.2"], "parentID": "urn:epc:id:sscc:4012345.0000000111", "action": "ADD",
         "bizLocation": {"id": "urn:epc:id:sgln:4012345.00011.0"}, "readPoint": {"id": "urn:epc:id:sgln:4012345.00011.987"}}
        """
        XCTAssertEqual(try EPCISTest.preHash(aggregation),
                       "eventType=AggregationEvent" + "eventTime=2024-05-01T06:30:00.000Z" + "eventTimeZoneOffset=+02:00"
                        + "parentID=https://id.gs1.org/00/040123450000001112"
                        + "childEPCs" + "epc=https://id.gs1.org/01/10614141073464/21/2"
                        + "childQuantityList" + "quantityElement" + "epcClass=https://id.gs1.org/01/04012345123456/10/L1" + "quantity=5"
                        + "action=ADD"
                        + "readPoint" + "id=https://id.gs1.org/414/4012345000115/254/987"
                        + "bizLocation" + "id=https://id.gs1.org/414/4012345000115")
        let transformation = """
        {"type": "TransformationEvent", "eventTime": "2024-05-01T08:30:00+02:00", "eventTimeZoneOffset": "+02:00",
         "transformationID": "urn:epc:id:gdti:4012345.11111.123",
         "outputQuantityList": [{"epcClass": "urn:epc:class:lgtin:4012345.012345.OUT", "quantity": 10.0, "uom": "KGM"}],
         "outputEPCList": ["urn:epc:id:sgtin:0614141.107346.9"],
         "inputQuantityList": [{"epcClass": "urn:epc:class:lgtin:4012345.012345.IN", "quantity": 12}],
         "inputEPCList": ["urn:epc:id:sgtin:0614141.107346.1"], "bizStep": "commissioning",
         "ilmd": {"example:lot": "OUT", "cbvmda:bestBeforeDate": "2025-01-01"}}
        """
        XCTAssertEqual(try EPCISTest.preHash(transformation),
                       "eventType=TransformationEvent" + "eventTime=2024-05-01T06:30:00.000Z" + "eventTimeZoneOffset=+02:00"
                        + "inputEPCList" + "epc=https://id.gs1.org/01/10614141073464/21/1"
                        + "inputQuantityList" + "quantityElement" + "epcClass=https://id.gs1.org/01/04012345123456/10/IN" + "quantity=12"
                        + "outputEPCList" + "epc=https://id.gs1.org/01/10614141073464/21/9"
                        + "outputQuantityList" + "quantityElement" + "epcClass=https://id.gs1.org/01/04012345123456/10/OUT"
                        + "quantity=10" + "uom=KGM"
                        + "transformationID=https://id.gs1.org/253/4012345111118123"
                        + "bizStep=https://ref.gs1.org/cbv/BizStep-commissioning"
                        + "ilmd" + "{https://ns.example.com/epcis/}lot=OUT" + "{urn:epcglobal:cbv:mda:}bestBeforeDate=2025-01-01")
    }

    func testListsOfTypedElementsSortWithTheTypeBeforeTheValue() throws {
        let pre = try EPCISTest.preHash(object(#"""
            "bizTransactionList": [{"type": "po", "bizTransaction": "urn:epcglobal:cbv:bt:0614141073467:PO2"}, {"bizTransaction": "urn:epcglobal:cbv:bt:0614141073467:PO1"}],
            "sourceList": [{"type": "possessing_party", "source": "urn:epc:id:pgln:4012345.00000"}, {"type": "location", "source": "urn:epc:id:sgln:4012345.00225.0"}],
            "destinationList": [{"type": "owning_party", "destination": "urn:epc:id:pgln:0614141.00000"}]
            """#))
        XCTAssertEqual(pre, head + "action=OBSERVE"
                        + "bizTransactionList" + "bizTransaction=urn:epcglobal:cbv:bt:0614141073467:PO1"
                        + "type=https://ref.gs1.org/cbv/BTT-po" + "bizTransaction=urn:epcglobal:cbv:bt:0614141073467:PO2"
                        + "sourceList" + "type=https://ref.gs1.org/cbv/SDT-location" + "source=https://id.gs1.org/414/4012345002256"
                        + "type=https://ref.gs1.org/cbv/SDT-possessing_party" + "source=https://id.gs1.org/417/4012345000009"
                        + "destinationList" + "type=https://ref.gs1.org/cbv/SDT-owning_party"
                        + "destination=https://id.gs1.org/417/0614141000005")
    }

    func testSensorElements() throws {
        let pre = try EPCISTest.preHash(object(#"""
            "sensorElementList": [{
              "sensorMetadata": {"time": "2024-05-01T08:00:00+02:00", "deviceID": "urn:epc:id:giai:4000001.111", "example:cal": "2024"},
              "sensorReport": [{"type": "Temperature", "value": 26.0, "uom": "CEL", "sDev": 0.10},
                               {"type": "AbsoluteHumidity", "value": 12.1, "uom": "A93"}]
            }]
            """#))
        XCTAssertEqual(pre, head + "action=OBSERVE"
                        + "sensorElementList" + "sensorElement"
                        + "sensorMetadata" + "time=2024-05-01T06:00:00.000Z" + "deviceID=https://id.gs1.org/8004/4000001111"
                        + "sensorReport" + "type=https://gs1.org/voc/AbsoluteHumidity" + "value=12.1" + "uom=A93"
                        + "sensorReport" + "type=https://gs1.org/voc/Temperature" + "value=26" + "sDev=0.1" + "uom=CEL"
                        + "sensorElementList" + "sensorElement" + "sensorMetadata" + "{https://ns.example.com/epcis/}cal=2024")
    }

    func testExtensionsInsideStandardStructuresGoAtTheEndWithTheirPath() throws {
        let pre = try EPCISTest.preHash(object(#"""
            "readPoint": {"id": "urn:epc:id:sgln:4012345.00011.0", "example:dock": "7", "example:bay": "B"},
            "quantityList": [{"epcClass": "urn:epc:class:lgtin:4012345.012345.L1", "quantity": 1, "example:grade": "A"}],
            "example:zz": "last"
            """#))
        XCTAssertEqual(pre, head + "quantityList" + "quantityElement" + "epcClass=https://id.gs1.org/01/04012345123456/10/L1"
                        + "quantity=1" + "action=OBSERVE" + "readPoint" + "id=https://id.gs1.org/414/4012345000115"
                        + "quantityList" + "quantityElement" + "{https://ns.example.com/epcis/}grade=A"
                        + "readPoint" + "{https://ns.example.com/epcis/}bay=B" + "{https://ns.example.com/epcis/}dock=7"
                        + "{https://ns.example.com/epcis/}zz=last")
    }

    func testCommentsAreLeftOut() throws {
        let withComment = object(#""example:a": {"example:b": "1", "rdfs:comment": "checked twice"}, "rdfs:comment": "by hand""#)
        XCTAssertEqual(try EPCISTest.preHash(withComment), try EPCISTest.preHash(object(#""example:a": {"example:b": "1"}"#)))
    }

    func testOnlyCBVWordsExpandAndUnknownBareWordsAreRefused() throws {
        XCTAssertEqual(CBVVocabulary.bizStep.uri("not_a_cbv_step"), "not_a_cbv_step")
        XCTAssertEqual(CBVVocabulary.sensorMeasurementType.uri("Banana"), "Banana")
        XCTAssertEqual(CBVVocabulary.sensorComponent.uri("x"), "https://ref.gs1.org/cbv/Comp-x")
        let refused = EPCISTest.parseError(EPCISTest.document([object(#""bizStep": "halal_slaughter""#)]))
        XCTAssertEqual(refused, .event(index: 0, field: "bizStep", problem: .unknownVocabularyWord("halal_slaughter", vocabulary: .bizStep)))
        XCTAssertEqual(refused?.description,
                       "EPCIS event 0 field bizStep: \"halal_slaughter\" is not a CBV 2.0 business step; a value of your own must be a URI")
        XCTAssertEqual(EPCISTest.parseError(EPCISTest.document([object(#""sourceList": [{"type": "owner", "source": "urn:epc:id:pgln:4012345.00000"}]"#)])),
                       .event(index: 0, field: "sourceList[0].type", problem: .unknownVocabularyWord("owner", vocabulary: .sourceDestType)))
        // A URI of one's own is taken as it is.
        XCTAssertTrue(try EPCISTest.preHash(object(#""bizStep": "https://halal.example/steps/slaughter""#))
                        .contains("bizStep=https://halal.example/steps/slaughter"))
    }

    func testExtensionsAreNamespacedNestedAndSorted() throws {
        let pre = try EPCISTest.preHash(object(#"""
            "example:zeta": [3, 1.50, "2"], "example:alpha": {"example:b": "B", "example:a": true},
            "example:id": "urn:epc:id:sgtin:0614141.107346.2018", "example:ref": {"@id": "urn:epc:id:sscc:4012345.0000000111"}
            """#))
        XCTAssertEqual(pre, head + "action=OBSERVE"
                        + "{https://ns.example.com/epcis/}alpha" + "{https://ns.example.com/epcis/}a=true"
                        + "{https://ns.example.com/epcis/}b=B"
                        + "{https://ns.example.com/epcis/}id=https://id.gs1.org/01/10614141073464/21/2018"
                        + "{https://ns.example.com/epcis/}ref=https://id.gs1.org/00/040123450000001112"
                        + "{https://ns.example.com/epcis/}zeta=1.5" + "{https://ns.example.com/epcis/}zeta=2"
                        + "{https://ns.example.com/epcis/}zeta=3")
    }
}
