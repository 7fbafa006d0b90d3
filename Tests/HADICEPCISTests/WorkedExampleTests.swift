import XCTest
@testable import HADICEPCIS

/// The worked examples of the EPCIS event hash algorithm (CBV 2.0 section 8.9 and GS1's
/// reference implementation's documented examples): the exact pre-hash string, and its SHA-256
/// checked against the `openssl` command, not against HADIC's own SHA-256.
final class WorkedExampleTests: XCTestCase {
    /// Example 1: SSCCs as EPC URNs in any order, a bare bizStep, an SGLN read point with an
    /// extension, nested and repeated user extensions, a recordTime (left out).
    func testExample1ObjectEventWithNestedExtensions() throws {
        let event = """
        {"type": "ObjectEvent", "eventTime": "2020-03-04T11:00:30.000+01:00", "eventTimeZoneOffset": "+01:00",
         "recordTime": "2020-03-04T11:00:30.999+01:00",
         "epcList": ["urn:epc:id:sscc:4012345.0000000333", "urn:epc:id:sscc:4012345.0000000111", "urn:epc:id:sscc:4012345.0000000222"],
         "action": "OBSERVE", "bizStep": "departing", "readPoint": {"id": "urn:epc:id:sgln:4012345.00011.987"},
         "example:myField1": {"example:mySubField1": "2", "example:mySubField2": "5"},
         "example:myField2": "0",
         "example:myField3": {"example:mySubField3": ["3", "1"]}}
        """
        let expected = "eventType=ObjectEvent" + "eventTime=2020-03-04T10:00:30.000Z" + "eventTimeZoneOffset=+01:00"
            + "epcList" + "epc=https://id.gs1.org/00/040123450000001112" + "epc=https://id.gs1.org/00/040123450000002225"
            + "epc=https://id.gs1.org/00/040123450000003338"
            + "action=OBSERVE" + "bizStep=https://ref.gs1.org/cbv/BizStep-departing"
            + "readPoint" + "id=https://id.gs1.org/414/4012345000115/254/987"
            + "{https://ns.example.com/epcis/}myField1" + "{https://ns.example.com/epcis/}mySubField1=2"
            + "{https://ns.example.com/epcis/}mySubField2=5"
            + "{https://ns.example.com/epcis/}myField2=0"
            + "{https://ns.example.com/epcis/}myField3" + "{https://ns.example.com/epcis/}mySubField3=1"
            + "{https://ns.example.com/epcis/}mySubField3=3"
        let preHash = try EPCISTest.preHash(event)
        XCTAssertEqual(preHash, expected)
        let hash = try EPCISTest.hash(event)
        XCTAssertEqual(hash.hex, try EPCISTest.opensslSHA256(expected))
        XCTAssertEqual(hash.uri, "ni:///sha-256;\(hash.hex)?ver=CBV2.0")
    }

    /// Example 3: CBV URNs for bizStep, disposition and the transaction, source and destination
    /// types; the type before the identifier in each list element; a read point extension,
    /// written at the end with the user extensions; an extension namespace without a trailing slash.
    func testExample3ObjectEventWithTransactionsSourcesAndDestinations() throws {
        let context = #"["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", {"example": "https://ns.example.com/epcis"}]"#
        let event = """
        {"type": "ObjectEvent", "eventTime": "2020-03-04T11:00:30+01:00", "eventTimeZoneOffset": "+01:00",
         "epcList": ["urn:epc:id:sgtin:0614141.011111.987"], "action": "OBSERVE",
         "bizStep": "urn:epcglobal:cbv:bizstep:departing", "disposition": "urn:epcglobal:cbv:disp:in_transit",
         "readPoint": {"id": "urn:epc:id:sgln:4012345.00011.0", "example:myField1": "AB-12"},
         "bizTransactionList": [{"type": "urn:epcglobal:cbv:btt:po", "bizTransaction": "urn:epc:id:gdti:4012345.11111.123"}],
         "sourceList": [{"type": "urn:epcglobal:cbv:sdt:owning_party", "source": "urn:epc:id:pgln:4012345.00000"}],
         "destinationList": [{"type": "urn:epcglobal:cbv:sdt:owning_party", "destination": "urn:epc:id:pgln:0614141.00000"}],
         "example:userExt": "CD-34"}
        """
        let expected = "eventType=ObjectEvent" + "eventTime=2020-03-04T10:00:30.000Z" + "eventTimeZoneOffset=+01:00"
            + "epcList" + "epc=https://id.gs1.org/01/00614141111114/21/987"
            + "action=OBSERVE" + "bizStep=https://ref.gs1.org/cbv/BizStep-departing"
            + "disposition=https://ref.gs1.org/cbv/Disp-in_transit"
            + "readPoint" + "id=https://id.gs1.org/414/4012345000115"
            + "bizTransactionList" + "type=https://ref.gs1.org/cbv/BTT-po" + "bizTransaction=https://id.gs1.org/253/4012345111118123"
            + "sourceList" + "type=https://ref.gs1.org/cbv/SDT-owning_party" + "source=https://id.gs1.org/417/4012345000009"
            + "destinationList" + "type=https://ref.gs1.org/cbv/SDT-owning_party" + "destination=https://id.gs1.org/417/0614141000005"
            // CBV 2.0 writes extensions of standard structures at the end, sorted with the event's.
            + "readPoint" + "{https://ns.example.com/epcis}myField1=AB-12"
            + "{https://ns.example.com/epcis}userExt=CD-34"
        XCTAssertEqual(try EPCISTest.preHash(event, context: context), expected)
        XCTAssertEqual(try EPCISTest.hash(event, context: context).hex, try EPCISTest.opensslSHA256(expected))
    }
}
