import XCTest
@testable import HADICCore

final class IdentifierTests: XCTestCase {
    // MARK: PartyID

    func testPartyIDAccepted() {
        for text in ["a", "0", "farm", "farm-1", "9-lives", "farm-", String(repeating: "x", count: 64)] {
            XCTAssertEqual(PartyID(text)?.rawValue, text, text)
        }
    }

    func testPartyIDRefused() {
        for text in ["", "-farm", "Farm", "farm_1", "farm.1", "farm 1", "farm/1", "fárm", String(repeating: "x", count: 65)] {
            XCTAssertNil(PartyID(text), text)
        }
    }

    func testPartyIDOrdering() {
        XCTAssertLessThan(PartyID("abc")!, PartyID("abd")!)
        XCTAssertEqual(PartyID("farm")!.description, "farm")
    }

    // MARK: EPC URNs

    func testEPCAccepted() {
        let valid = [
            "urn:epc:id:sgtin:0614141.812345.6789",          // 7 + 6 = 13 digits
            "urn:epc:id:sgtin:061414.1812345.A-1",           // 6 + 7 = 13, prefix of exactly 6
            "urn:epc:id:sgtin:061414123456.0.1",             // 12 + 1 = 13
            "urn:epc:class:lgtin:4012345.012345.998877",
            "urn:epc:class:lgtin:8991234.012345.RDG2610A",
            "urn:epc:id:sscc:0614141.1234567890",            // 7 + 10 = 17 digits
            "urn:epc:id:sscc:061414.12345678901",            // 6 + 11 = 17
            "urn:epc:id:sgtin:0614141.812345." + String(repeating: "9", count: 20),  // serial of 20
            "urn:epc:id:sgtin:0614141.812345.a%2Fb",         // percent escapes kept as-is
        ]
        for text in valid {
            let lot = LotID(text)
            XCTAssertEqual(lot?.rawValue, text, text)
            XCTAssertEqual(lot?.form, .epcURN, text)
        }
    }

    func testEPCRefused() {
        let invalid = [
            "urn:epc:id:sgtin:0614141.81234.6789",           // 12 digits
            "urn:epc:id:sgtin:0614141.8123456.6789",         // 14 digits
            "urn:epc:id:sgtin:06141.81234567.1",             // prefix of 5 digits
            "urn:epc:id:sgtin:0614141.812345",               // no serial
            "urn:epc:id:sgtin:0614141.812345.",              // empty serial
            "urn:epc:id:sgtin:0614141.812345.1.2",           // four fields
            "urn:epc:id:sgtin:0614141.81234X.1",             // letter in item reference
            "urn:epc:id:sgtin:0614141.812345." + String(repeating: "9", count: 21),  // serial of 21
            "urn:epc:id:sgtin:0614141.812345.a#b",           // '#' is not in the URI-safe set
            "urn:epc:id:sgtin:0614141.812345.a/b",
            "urn:epc:id:lgtin:4012345.012345.998877",        // lgtin is a class, not an id
            "urn:epc:class:sgtin:0614141.812345.6789",       // sgtin is an id, not a class
            "urn:epc:id:sscc:0614141.123456789",             // 16 digits
            "urn:epc:id:sscc:0614141.12345678901",           // 18 digits
            "urn:epc:id:sscc:06141.123456789012",            // prefix of 5
            "urn:epc:id:sscc:0614141.1234567890.1",          // serial field on an sscc
            "urn:epc:id:grai:0614141.12345.1",               // unsupported scheme
            "urn:epc:id:sgtin",                              // too few parts
            "urn:epc:id:sgtin:0614141.812345.6789:x",        // too many parts
        ]
        for text in invalid { XCTAssertNil(LotID(text), text) }
    }

    // MARK: GS1 Digital Link

    /// Independent GS1 mod-10 check digit for the first n-1 digits.
    private func checkDigit(_ body: String) -> Int {
        var sum = 0
        for (i, c) in body.reversed().enumerated() { sum += Int(String(c))! * (i % 2 == 0 ? 3 : 1) }
        return (10 - sum % 10) % 10
    }

    func testCheckDigitExamples() {
        XCTAssertEqual(checkDigit("0950600013435"), 2)
        XCTAssertEqual(checkDigit("10614141234567890"), 8)
        XCTAssertTrue(LotID.hasValidCheckDigit("09506000134352"))
        XCTAssertFalse(LotID.hasValidCheckDigit("09506000134353"))
        XCTAssertTrue(LotID.hasValidCheckDigit("106141412345678908"))
        XCTAssertFalse(LotID.hasValidCheckDigit("106141412345678907"))
    }

    func testDigitalLinkHasOneSpelling() {
        // http:// and non-ASCII or uppercase hosts would let one lot carry two ids.
        for text in ["http://example.com/01/09506000134352/10/L1", "https://Example.com/01/09506000134352/10/L1",
                     "https://\u{E9}.example/01/09506000134352/10/L1", "https://e\u{301}.example/01/09506000134352/10/L1"] {
            XCTAssertNil(LotID(text), text)
        }
        let composed = CertificateKey(issuer: PartyID("bpjph")!, number: "N\u{E9}-1")
        let decomposed = CertificateKey(issuer: PartyID("bpjph")!, number: "Ne\u{301}-1")
        XCTAssertNotEqual(composed, decomposed, "certificate numbers compare by bytes, as SQLite does")
        XCTAssertEqual(Set([composed, decomposed]).count, 2)
    }

    func testDigitalLinkAccepted() {
        let valid = [
            "https://id.gs1.org/01/09506000134352/10/ABC123",
            "https://id.gs1.org/01/09506000134352/21/SER-1.x",
            "https://example.com/01/09506000134352/10/L1",
            "https://id.gs1.org/00/106141412345678908",
            "https://id.gs1.org/01/09506000134352/10/" + String(repeating: "A", count: 20),
        ]
        for text in valid {
            let lot = LotID(text)
            XCTAssertEqual(lot?.rawValue, text, text)
            XCTAssertEqual(lot?.form, .digitalLink, text)
        }
    }

    func testDigitalLinkCheckDigitsMatter() {
        // Every wrong final digit of the GTIN-14 and of the SSCC-18 is refused; exactly one is right.
        var gtinAccepted: [Int] = []
        var ssccAccepted: [Int] = []
        for d in 0...9 {
            if LotID("https://id.gs1.org/01/0950600013435\(d)/10/ABC") != nil { gtinAccepted.append(d) }
            if LotID("https://id.gs1.org/00/10614141234567890\(d)") != nil { ssccAccepted.append(d) }
        }
        XCTAssertEqual(gtinAccepted, [2])
        XCTAssertEqual(ssccAccepted, [8])
    }

    func testDigitalLinkRefused() {
        let invalid = [
            "https://id.gs1.org/01/09506000134353/10/ABC123",   // wrong GTIN check digit
            "https://id.gs1.org/00/106141412345678907",         // wrong SSCC check digit
            "https://id.gs1.org/01/9506000134352/10/ABC123",    // GTIN-13
            "https://id.gs1.org/00/06141412345678908",          // SSCC of 17 digits
            "https://id.gs1.org/01/09506000134352/22/ABC123",   // AI 22 not supported
            "https://id.gs1.org/01/09506000134352",             // no lot or serial
            "https://id.gs1.org/01/09506000134352/10/",         // empty lot
            "https://id.gs1.org/01/09506000134352/10/" + String(repeating: "A", count: 21),
            "https://id.gs1.org/01/09506000134352/10/A/B",      // extra segment
            "https://id.gs1.org/00/106141412345678908/x",
            "https:///01/09506000134352/10/ABC123",             // empty host
            "https://id.gs1.org/02/09506000134352/10/ABC123",
            "ftp://id.gs1.org/01/09506000134352/10/ABC123",     // other scheme: not a local id either
        ]
        for text in invalid { XCTAssertNil(LotID(text), text) }
    }

    // MARK: Local ids

    func testLocalIDsAndOwner() {
        let lot = LotID("farm/raw-1")
        XCTAssertEqual(lot?.form, .local(owner: PartyID("farm")!))
        XCTAssertEqual(LotID("rph-sidoarjo/cattle-2026-10-005")?.form, .local(owner: PartyID("rph-sidoarjo")!))
        XCTAssertEqual(LotID("farm/a/b.c_d-E")?.form, .local(owner: PartyID("farm")!))
        XCTAssertEqual(LotID("farm/" + String(repeating: "x", count: 128))?.form, .local(owner: PartyID("farm")!))
        XCTAssertNotEqual(LotID("farm/raw-1")?.form, .local(owner: PartyID("mill")!))
    }

    func testLocalIDsRefused() {
        let invalid = [
            "farm",                                          // no slash
            "farm/",                                         // empty local part
            "/raw-1",                                        // empty owner
            "Farm/raw-1",                                    // owner not a party id
            "-farm/raw-1",
            "farm/raw 1",                                    // space
            "farm/raw#1",
            "farm/ráw",
            "farm/" + String(repeating: "x", count: 129),    // local of 129 bytes
            "",
        ]
        for text in invalid { XCTAssertNil(LotID(text), text) }
    }

    func testIdentifierLengthLimit() {
        // 256 bytes is the identifier limit, checked before the form.
        let owner = String(repeating: "p", count: 64)
        let ok = owner + "/" + String(repeating: "x", count: 128)  // 193 bytes
        XCTAssertNotNil(LotID(ok))
        let longDL = "https://" + String(repeating: "h", count: 230) + "/01/09506000134352/10/ABC"
        XCTAssertGreaterThan(longDL.utf8.count, 256)
        XCTAssertNil(LotID(longDL))
        let shortDL = "https://" + String(repeating: "h", count: 100) + "/01/09506000134352/10/ABC"
        XCTAssertNotNil(LotID(shortDL))
    }
}
