import HADICCore
import XCTest
@testable import HADICEPCIS

/// EPC URIs to canonical GS1 Digital Link, Digital Link constraining, the way back, and the
/// URIs of CBV words (CBV 2.0 section 8.9 rules 14 to 18).
final class IdentifierNormalisationTests: XCTestCase {
    func testEPCURIsBecomeCanonicalDigitalLinksWithComputedCheckDigits() throws {
        let cases: [(String, String)] = [
            ("urn:epc:id:sgtin:0614141.107346.2018", "https://id.gs1.org/01/10614141073464/21/2018"),
            ("urn:epc:id:sgtin:9551234.012345.1001", "https://id.gs1.org/01/09551234123450/21/1001"),
            ("urn:epc:id:sscc:4012345.0000000111", "https://id.gs1.org/00/040123450000001112"),
            ("urn:epc:id:sgln:4012345.00011.987", "https://id.gs1.org/414/4012345000115/254/987"),
            ("urn:epc:id:sgln:4012345.00011.0", "https://id.gs1.org/414/4012345000115"),
            ("urn:epc:id:pgln:4012345.00000", "https://id.gs1.org/417/4012345000009"),
            ("urn:epc:id:grai:9551234.00002.R7", "https://id.gs1.org/8003/09551234000027R7"),
            ("urn:epc:id:giai:9551234.TL7", "https://id.gs1.org/8004/9551234TL7"),
            ("urn:epc:id:gsrn:4012345.0000000001", "https://id.gs1.org/8018/401234500000000012"),
            ("urn:epc:id:gdti:4012345.11111.123", "https://id.gs1.org/253/4012345111118123"),
            ("urn:epc:class:lgtin:4012345.012345.998877", "https://id.gs1.org/01/04012345123456/10/998877"),
            ("urn:epc:idpat:sgtin:4012345.012345.*", "https://id.gs1.org/01/04012345123456"),
            // Serial characters the EPC URI escapes, and the ones Digital Link escapes in addition.
            ("urn:epc:id:sgtin:0614141.107346.A%2FB!(x)", "https://id.gs1.org/01/10614141073464/21/A%2FB%21%28x%29"),
        ]
        for (urn, link) in cases {
            XCTAssertEqual(try EPCISIdentifier.digitalLink(fromEPC: urn), link, urn)
            XCTAssertEqual(EPCISIdentifier.normalised(urn), link, urn)
        }
    }

    func testMalformedEPCsAreRefusedWithTheRule() {
        let bad = [
            "urn:epc:id:sgtin:9551234.12345.1002",  // 7 + 5 digits: the item reference is one short
            "urn:epc:id:sgtin:9551234.012345",  // no serial
            "urn:epc:id:sgtin:95512.0123456.1",  // company prefix under 6 digits
            "urn:epc:id:sscc:4012345.000000011",  // 16 digits
            "urn:epc:id:sgtin:0614141.107346.a~b",  // "~" is not in GS1 character set 82
            "urn:epc:id:sgtin:0614141.107346.123456789012345678901",  // serial over 20
            "urn:epc:idpat:sgtin:4012345.012345.5",  // pattern without '*'
        ]
        for urn in bad {
            XCTAssertThrowsError(try EPCISIdentifier.validate(urn), urn) { error in
                guard case .malformedEPC(let text, let rule)? = error as? EPCISIdentifierError else {
                    return XCTFail("\(urn): \(error)")
                }
                XCTAssertEqual(text, urn)
                XCTAssertFalse(rule.isEmpty)
            }
        }
        XCTAssertThrowsError(try EPCISIdentifier.validate("urn:epc:id:foo:1.2")) { error in
            XCTAssertEqual(error as? EPCISIdentifierError, .unknownEPCScheme("urn:epc:id:foo:1.2"))
        }
        XCTAssertThrowsError(try EPCISIdentifier.validate("not a uri")) { error in
            XCTAssertEqual(error as? EPCISIdentifierError, .notAURI("not a uri"))
        }
    }

    func testDigitalLinksAreConstrainedToIdGS1OrgAndTheFinestKey() throws {
        let cases: [(String, String)] = [
            ("https://example.com/some/path/01/00614141107346/21/2017?linkType=all#x", "https://id.gs1.org/01/00614141107346/21/2017"),
            ("https://id.gs1.org/01/00614141107346/10/LOT1/21/7", "https://id.gs1.org/01/00614141107346/21/7"),
            ("https://id.gs1.org/01/00614141107346/22/CPV9/10/LOT1", "https://id.gs1.org/01/00614141107346/10/LOT1"),
            ("https://brand.example/gtin/614141107346/lot/L1", "https://id.gs1.org/01/00614141107346/10/L1"),
            ("http://id.gs1.org/414/4012345000115/254/987", "https://id.gs1.org/414/4012345000115/254/987"),
            ("https://id.gs1.org/00/040123450000001112", "https://id.gs1.org/00/040123450000001112"),
        ]
        for (input, expected) in cases {
            XCTAssertEqual(try EPCISIdentifier.constrainedDigitalLink(input), expected, input)
            XCTAssertEqual(EPCISIdentifier.normalised(input), expected, input)
        }
        // The same serial written in either syntax, escaped or not, gives one form.
        XCTAssertEqual(EPCISIdentifier.normalised("https://id.gs1.org/01/04012345123456/21/A!B"),
                       EPCISIdentifier.normalised("urn:epc:id:sgtin:4012345.012345.A!B"))
        XCTAssertEqual(EPCISIdentifier.normalised("https://example.com/01/04012345123456/10/L%2f1"),
                       "https://id.gs1.org/01/04012345123456/10/L%2F1")
        XCTAssertNil(try EPCISIdentifier.constrainedDigitalLink("https://example.com/products/42"))
        // A path that only looks like a key on another host is an ordinary URI, kept as written.
        XCTAssertNil(try EPCISIdentifier.constrainedDigitalLink("https://example.com/reports/2024/01/15"))
        XCTAssertNoThrow(try EPCISIdentifier.validate("https://example.com/reports/2024/01/15"))
        XCTAssertEqual(EPCISIdentifier.normalised("https://example.com/reports/2024/01/15"), "https://example.com/reports/2024/01/15")
        XCTAssertThrowsError(try EPCISIdentifier.validate("https://id.gs1.org/01/00614141107347/21/1")) { error in
            guard case .malformedDigitalLink? = error as? EPCISIdentifierError else { return XCTFail("\(error)") }
        }
    }

    func testDigitalLinkBackToEPCURNs() throws {
        XCTAssertEqual(try EPCISIdentifier.epcURN(fromDigitalLink: "https://id.gs1.org/01/10614141073464/21/2018", companyPrefixLength: 7),
                       "urn:epc:id:sgtin:0614141.107346.2018")
        XCTAssertEqual(try EPCISIdentifier.epcURN(fromDigitalLink: "https://id.gs1.org/01/04012345123456/10/998877", companyPrefixLength: 7),
                       "urn:epc:class:lgtin:4012345.012345.998877")
        XCTAssertEqual(try EPCISIdentifier.epcURN(fromDigitalLink: "https://id.gs1.org/00/040123450000001112", companyPrefixLength: 7),
                       "urn:epc:id:sscc:4012345.0000000111")
        XCTAssertEqual(try EPCISIdentifier.epcURN(fromDigitalLink: "https://id.gs1.org/01/10614141073464/21/A%2FB%21", companyPrefixLength: 7),
                       "urn:epc:id:sgtin:0614141.107346.A%2FB!")
        XCTAssertThrowsError(try EPCISIdentifier.epcURN(fromDigitalLink: "https://id.gs1.org/8004/9551234TL7", companyPrefixLength: 7))
        XCTAssertThrowsError(try EPCISIdentifier.epcURN(fromDigitalLink: "https://id.gs1.org/01/10614141073464/21/1", companyPrefixLength: 13))
        // Round trip through both directions.
        for urn in ["urn:epc:id:sgtin:9551234.012345.1001", "urn:epc:id:sscc:9551234.0000000001", "urn:epc:class:lgtin:9551234.098765.R2603"] {
            let link = try EPCISIdentifier.digitalLink(fromEPC: urn)
            XCTAssertEqual(try EPCISIdentifier.epcURN(fromDigitalLink: link, companyPrefixLength: 7), urn)
        }
    }

    func testBareWordsAndCBVURNsBecomeWebURIs() {
        XCTAssertEqual(CBVVocabulary.bizStep.uri("shipping"), "https://ref.gs1.org/cbv/BizStep-shipping")
        XCTAssertEqual(CBVVocabulary.disposition.uri("in_transit"), "https://ref.gs1.org/cbv/Disp-in_transit")
        XCTAssertEqual(CBVVocabulary.bizTransactionType.uri("po"), "https://ref.gs1.org/cbv/BTT-po")
        XCTAssertEqual(CBVVocabulary.sourceDestType.uri("owning_party"), "https://ref.gs1.org/cbv/SDT-owning_party")
        XCTAssertEqual(CBVVocabulary.errorReason.uri("incorrect_data"), "https://ref.gs1.org/cbv/ER-incorrect_data")
        XCTAssertEqual(CBVVocabulary.sensorMeasurementType.uri("Temperature"), "https://gs1.org/voc/Temperature")
        XCTAssertEqual(CBVVocabulary.bizStep.uri("urn:epcglobal:cbv:bizstep:receiving"), "https://ref.gs1.org/cbv/BizStep-receiving")
        XCTAssertEqual(CBVVocabulary.bizStep.uri("cbv:BizStep-receiving"), "https://ref.gs1.org/cbv/BizStep-receiving")
        XCTAssertEqual(CBVVocabulary.bizStep.uri("https://example.com/steps/halal-check"), "https://example.com/steps/halal-check")
        XCTAssertEqual(EPCISIdentifier.normalised("gs1:Temperature"), "https://gs1.org/voc/Temperature")
        XCTAssertEqual(EPCISIdentifier.normalised("urn:epcglobal:cbv:disp:active"), "https://ref.gs1.org/cbv/Disp-active")
    }

    func testCheckDigits() {
        XCTAssertEqual(GS1CheckDigit.compute("0061414110734"), "6")
        XCTAssertTrue(GS1CheckDigit.isValid("00614141107346"))
        XCTAssertTrue(GS1CheckDigit.isValid("4012345000115"))
        XCTAssertTrue(GS1CheckDigit.isValid("040123450000001112"))
        XCTAssertFalse(GS1CheckDigit.isValid("00614141107347"))
        XCTAssertNil(GS1CheckDigit.compute("12a"))
    }
}
