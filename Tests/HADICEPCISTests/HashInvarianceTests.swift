import XCTest
@testable import HADICEPCIS

/// What the hash depends on: the excluded fields never change it, every other field does, and
/// the way an event is written (member order, list order, identifier syntax) does not.
final class HashInvarianceTests: XCTestCase {
    private let base = """
    {"type": "ObjectEvent", "eventTime": "2024-05-01T08:30:00.000+02:00", "eventTimeZoneOffset": "+02:00",
     "epcList": ["urn:epc:id:sgtin:0614141.107346.2018", "urn:epc:id:sgtin:0614141.107346.2019"],
     "quantityList": [{"epcClass": "urn:epc:class:lgtin:4012345.012345.L1", "quantity": 2.5, "uom": "KGM"}],
     "action": "OBSERVE", "bizStep": "shipping", "disposition": "in_transit",
     "readPoint": {"id": "urn:epc:id:sgln:4012345.00011.0"}, "bizLocation": {"id": "urn:epc:id:sgln:4012345.00011.1"},
     "bizTransactionList": [{"type": "po", "bizTransaction": "urn:epcglobal:cbv:bt:0614141073467:1"}],
     "sourceList": [{"type": "owning_party", "source": "urn:epc:id:pgln:4012345.00000"}],
     "destinationList": [{"type": "owning_party", "destination": "urn:epc:id:pgln:0614141.00000"}],
     "ilmd": {"example:lot": "L1"},
     "example:note": "halal"}
    """

    private func replacing(_ old: String, _ new: String) -> String {
        precondition(base.contains(old), old)
        return base.replacingOccurrences(of: old, with: new)
    }

    func testExcludedFieldsDoNotChangeTheHash() throws {
        let reference = try EPCISTest.hash(base)
        let variants = [
            replacing(#""type": "ObjectEvent","#, #""type": "ObjectEvent", "eventID": "urn:uuid:0d1c7e2a-0001","#),
            replacing(#""type": "ObjectEvent","#, #""type": "ObjectEvent", "recordTime": "2024-05-02T00:00:00Z","#),
            replacing(#""type": "ObjectEvent","#, #""type": "ObjectEvent", "certificationInfo": "https://cert.example/1","#),
            replacing(#""type": "ObjectEvent","#, #""type": "ObjectEvent", "errorDeclaration": {"declarationTime": "2024-05-03T00:00:00Z", "reason": "incorrect_data", "correctiveEventIDs": ["urn:uuid:x"]},"#),
        ]
        for variant in variants {
            XCTAssertEqual(try EPCISTest.hash(variant), reference, variant)
        }
    }

    func testEveryOtherFieldChangesTheHash() throws {
        let reference = try EPCISTest.hash(base)
        let changes: [(String, String)] = [
            ("2024-05-01T08:30:00.000+02:00", "2024-05-01T08:30:00.001+02:00"),
            (#""eventTimeZoneOffset": "+02:00""#, #""eventTimeZoneOffset": "+03:00""#),
            ("107346.2019", "107346.2020"),
            (#""quantity": 2.5"#, #""quantity": 2.51"#),
            (#""uom": "KGM""#, #""uom": "GRM""#),
            ("lgtin:4012345.012345.L1", "lgtin:4012345.012345.L2"),
            (#""action": "OBSERVE""#, #""action": "ADD""#),
            (#""bizStep": "shipping""#, #""bizStep": "receiving""#),
            (#""disposition": "in_transit""#, #""disposition": "in_progress""#),
            ("sgln:4012345.00011.0", "sgln:4012345.00012.0"),
            ("sgln:4012345.00011.1", "sgln:4012345.00011.2"),
            (#""type": "po""#, #""type": "inv""#),
            ("0614141073467:1", "0614141073467:2"),
            (#""type": "owning_party", "source""#, #""type": "possessing_party", "source""#),
            ("pgln:0614141.00000", "pgln:0614141.00001"),
            (#""example:lot": "L1""#, #""example:lot": "L9""#),
            (#""example:note": "halal""#, #""example:note": "halal!""#),
            (#""example:note": "halal""#, #""example:note": "halal", "example:extra": "1""#),
        ]
        for (old, new) in changes {
            XCTAssertNotEqual(try EPCISTest.hash(replacing(old, new)), reference, "\(old) -> \(new)")
        }
    }

    func testSpellingOfTheSameEventDoesNotChangeTheHash() throws {
        let reference = try EPCISTest.hash(base)
        let variants = [
            // List order.
            replacing(#"["urn:epc:id:sgtin:0614141.107346.2018", "urn:epc:id:sgtin:0614141.107346.2019"]"#,
                      #"["urn:epc:id:sgtin:0614141.107346.2019", "urn:epc:id:sgtin:0614141.107346.2018"]"#),
            // Digital Link instead of the EPC URN, on another host with a query string.
            replacing("urn:epc:id:sgtin:0614141.107346.2018", "https://brand.example/01/10614141073464/21/2018?s=1"),
            // Full URIs and CBV URNs instead of bare words.
            replacing(#""bizStep": "shipping""#, #""bizStep": "https://ref.gs1.org/cbv/BizStep-shipping""#),
            replacing(#""disposition": "in_transit""#, #""disposition": "urn:epcglobal:cbv:disp:in_transit""#),
            // The same instant in another zone, the same number spelled otherwise.
            replacing("2024-05-01T08:30:00.000+02:00", "2024-05-01T06:30:00Z"),
            replacing(#""quantity": 2.5"#, #""quantity": 25e-1"#),
            replacing(#""quantity": 2.5"#, #""quantity": 2.500"#),
            // Member order.
            replacing(#""action": "OBSERVE", "bizStep": "shipping""#, #""bizStep": "shipping", "action": "OBSERVE""#),
        ]
        for variant in variants {
            XCTAssertEqual(try EPCISTest.hash(variant), reference, variant)
        }
    }

    func testHashIsSHA256OfThePreHashString() throws {
        let (event, namespaces) = try EPCISTest.event(base)
        let preHash = try EPCISEventHasher.preHashString(event, namespaces: namespaces)
        XCTAssertEqual(try EPCISEventHasher.hash(event, namespaces: namespaces).hex, try EPCISTest.opensslSHA256(preHash))
    }
}
