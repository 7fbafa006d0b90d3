import Foundation
import XCTest
import HADICCore
import HADICCrypto

final class EventEnvelopeTests: XCTestCase {
    private let ledger = String(repeating: "ab", count: 32)
    private let time = Timestamp("2026-11-29T05:00:00Z")!
    private let createBody: JSONValue = ["lot": "farm/raw-1", "product": "flour", "class": "wheat",
                                         "quantity": ["amount": "12.5", "unit": "kg"]]

    private func signedCreate(_ key: PrivateKey) throws -> EventEnvelope {
        try EventEnvelope.Unsigned(ledger: ledger, type: .lotCreate, actor: PartyID("farm")!, keyID: key.publicKey.keyID,
                                   time: time, body: createBody).signed(with: key)
    }

    private func assertSchema(_ bytes: String, _ detail: String, file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try EventEnvelope.parse(Array(bytes.utf8))
            XCTFail("expected a schema refusal", file: file, line: line)
        } catch {
            XCTAssertEqual(error.rule, .schema, file: file, line: line)
            XCTAssertEqual(error.detail, detail, file: file, line: line)
        }
    }

    // MARK: Signing, ids and leaf bytes

    func testSignAndParseRoundTrip() throws {
        let key = try PrivateKey.generate(.ed25519)
        let e = try signedCreate(key)
        XCTAssertEqual(e.signature.count, 64)
        XCTAssertTrue(key.publicKey.isValidSignature(e.signature, for: e.signingInput))
        XCTAssertEqual(e.id, e.unsignedParts.id)

        let parsed = try EventEnvelope.parse(e.leafBytes)
        XCTAssertEqual(parsed.id, e.id)
        XCTAssertEqual(parsed.leafBytes, e.leafBytes)
        XCTAssertEqual(parsed.signingInput, e.signingInput)
        XCTAssertEqual(parsed.signature, e.signature)
        XCTAssertEqual(parsed.type, .lotCreate)
        XCTAssertEqual(parsed.actor, PartyID("farm"))
        XCTAssertEqual(parsed.keyID, key.publicKey.keyID)
        XCTAssertEqual(parsed.time, time)
        XCTAssertEqual(parsed.ledger, ledger)
        XCTAssertEqual(parsed.bodyJSON, createBody)
        guard case .lotCreate(let body) = parsed.body else { return XCTFail("body is \(parsed.body)") }
        XCTAssertEqual(body.lot, LotID("farm/raw-1"))
        XCTAssertEqual(body.quantity.micro, 12_500_000_000)
        XCTAssertEqual(body.materialClass, "wheat")
        XCTAssertNil(body.facility)
    }

    func testLeafBytesAreTheExactCanonicalEnvelope() throws {
        let key = try PrivateKey.generate(.ed25519)
        let e = try signedCreate(key)
        let expected = #"{"actor":"farm","body":{"class":"wheat","lot":"farm/raw-1","product":"flour","quantity":{"amount":"12.5","unit":"kg"}},"key":""#
            + key.publicKey.keyID + #"","ledger":""# + ledger + #"","sig":""# + Data(e.signature).base64EncodedString()
            + #"","time":"2026-11-29T05:00:00Z","type":"lot.create","v":1}"#
        XCTAssertEqual(String(decoding: e.leafBytes, as: UTF8.self), expected)
    }

    /// The envelope is written member by member with `sig` spliced in; the generic JCS encoder
    /// of the whole object must give the same bytes, whatever the body holds.
    func testLeafBytesEqualTheGenericCanonicalEncoding() throws {
        let key = try PrivateKey.generate(.ed25519)
        let bodies: [JSONValue] = [
            createBody,
            ["lot": "farm/raw-2", "product": "d\u{e2}t \"line\"\n\u{1}", "class": "wheat",
             "quantity": ["amount": "1000", "unit": "kg"],
             "attributes": ["note": "\u{1F600}\u{FB01}", "\u{E000}": "x", "\u{1F600}": "y", "n": 2.50, "z": [true, nil]]],
        ]
        for body in bodies {
            let parts = try EventEnvelope.Unsigned(ledger: ledger, type: .lotCreate, actor: PartyID("farm")!,
                                                   keyID: key.publicKey.keyID, time: time, body: body)
            let e = try parts.signed(with: key)
            var fields = parts.json
            XCTAssertEqual(e.signingInput, EventEnvelope.domainSeparator + JSONValue.object(fields).canonicalBytes)
            fields["sig"] = .string(Data(e.signature).base64EncodedString())
            XCTAssertEqual(e.leafBytes, JSONValue.object(fields).canonicalBytes)
            XCTAssertEqual(try EventEnvelope.parse(e.leafBytes).leafBytes, e.leafBytes)
        }
    }

    func testIDIsSHA256OfDomainSeparatorAndCanonicalJSONWithoutSig() throws {
        let key = try PrivateKey.generate(.ed25519)
        let e = try signedCreate(key)
        guard case .object(var fields) = try JSONValue.parse(e.leafBytes) else { return XCTFail("not an object") }
        XCTAssertNotNil(fields.removeValue(forKey: "sig"))
        let input = Array("hadic-event-v1\n".utf8) + JSONValue.object(fields).canonicalBytes
        XCTAssertEqual(e.signingInput, input)
        XCTAssertEqual(e.id.bytes, SHA256.hash(input))
        XCTAssertEqual(e.id.hex, Hex.encode(SHA256.hash(input)))
        XCTAssertEqual(e.id.short, String(e.id.hex.prefix(12)))
        XCTAssertTrue(key.publicKey.isValidSignature(e.signature, for: input))
    }

    func testIDDoesNotDependOnSignatureBytes() throws {
        let key = try PrivateKey.generate(.ed25519)
        let e = try signedCreate(key)
        let other = try EventEnvelope(parts: e.unsignedParts, signature: [UInt8](repeating: 7, count: 64))
        XCTAssertEqual(other.id, e.id)
        XCTAssertEqual(other.signingInput, e.signingInput)
        XCTAssertNotEqual(other.leafBytes, e.leafBytes)
    }

    /// Writes JSON with keys in reverse order, whitespace, `\/` escapes and `1.0e0` for 1.
    private func respell(_ v: JSONValue) -> String {
        switch v {
        case .object(let o):
            let members = o.keys.sorted(by: >).map { "\"\($0)\" :\t" + respell(o[$0]!) }
            return "{ \n  " + members.joined(separator: " ,\n  ") + "\n}"
        case .array(let a):
            return "[ " + a.map(respell).joined(separator: " , ") + " ]"
        case .string(let s):
            return JSONValue.string(s).canonicalString.replacingOccurrences(of: "/", with: "\\/")
        case .number(let n) where n.double == 1:
            return "1.0e0"
        default:
            return v.canonicalString
        }
    }

    func testRespelledEnvelopeParsesToIdenticalLeafBytes() throws {
        let key = try PrivateKey.generate(.ed25519)
        let e = try signedCreate(key)
        let text = respell(try JSONValue.parse(e.leafBytes))
        XCTAssertNotEqual(Array(text.utf8), e.leafBytes)
        XCTAssertTrue(text.contains(#"farm\/raw-1"#))
        XCTAssertTrue(text.hasPrefix("{ \n  \"v\" :\t1.0e0"))
        let parsed = try EventEnvelope.parse(Array(text.utf8))
        XCTAssertEqual(parsed.leafBytes, e.leafBytes)
        XCTAssertEqual(parsed.id, e.id)
        XCTAssertTrue(key.publicKey.isValidSignature(parsed.signature, for: parsed.signingInput))
    }

    // MARK: Envelope schema

    func testUnknownEnvelopeFieldIsNamed() throws {
        let key = try PrivateKey.generate(.ed25519)
        let e = try signedCreate(key)
        guard case .object(var o) = try JSONValue.parse(e.leafBytes) else { return XCTFail() }
        o["extra"] = 1
        assertSchema(JSONValue.object(o).canonicalString, "extra: unknown field")
    }

    func testUnknownBodyFieldIsNamed() throws {
        let key = try PrivateKey.generate(.ed25519)
        let e = try signedCreate(key)
        guard case .object(var o) = try JSONValue.parse(e.leafBytes), case .object(var body) = o["body"]! else { return XCTFail() }
        body["colour"] = "white"
        o["body"] = .object(body)
        assertSchema(JSONValue.object(o).canonicalString, "body.colour: unknown field")
    }

    func testEnvelopeFieldProblems() throws {
        let key = try PrivateKey.generate(.ed25519)
        let e = try signedCreate(key)
        guard case .object(let good) = try JSONValue.parse(e.leafBytes) else { return XCTFail() }
        func with(_ k: String, _ v: JSONValue?) -> String {
            var o = good
            o[k] = v
            return JSONValue.object(o).canonicalString
        }
        assertSchema(with("sig", nil), "sig: required field is missing")
        assertSchema(with("v", 2), "v: unsupported envelope version (this is version 1)")
        assertSchema(with("v", "1"), "v: expected an integer")
        assertSchema(with("time", nil), "time: required field is missing")
        assertSchema(with("body", nil), "body: required field is missing")
        assertSchema(with("body", "x"), "body: expected an object")
        assertSchema(with("ledger", "AB"), "ledger: expected a ledger id (64 lowercase hex digits)")
        assertSchema(with("ledger", .string(String(repeating: "AB", count: 32))), "ledger: expected a ledger id (64 lowercase hex digits)")
        assertSchema(with("key", .string(String(repeating: "g", count: 64))), "key: expected a key id (64 lowercase hex digits)")
        assertSchema(with("sig", "not base64!"), "sig: expected standard base64 with padding")
        assertSchema(with("type", "lot.destroy"), #"type: expected a known event type, got "lot.destroy""#)
        assertSchema(with("actor", "Farm"), #"actor: expected a party id (lowercase letters, digits, '-', at most 64), got "Farm""#)
        assertSchema(with("time", "2026-11-29T05:00:00+00:00"),
                     #"time: expected an RFC 3339 UTC time like 2026-11-29T05:00:00Z, got "2026-11-29T05:00:00+00:00""#)
        do {
            _ = try EventEnvelope.parse(Array("{\"v\":1,".utf8))
            XCTFail("truncated JSON parsed")
        } catch {
            XCTAssertEqual(error.rule, .schema)
            XCTAssertTrue(error.detail.hasPrefix("not valid JSON: "), error.detail)
        }
    }

    func testBodyErrorPathReachesTheEnvelope() throws {
        let key = try PrivateKey.generate(.ed25519)
        let e = try signedCreate(key)
        guard case .object(var o) = try JSONValue.parse(e.leafBytes) else { return XCTFail() }
        o["type"] = "lot.transform"
        o["body"] = ["inputs": [["lot": "farm/raw-1", "quantity": ["amount": "1e3", "unit": "kg"]]],
                     "outputs": [["lot": "farm/flour-1", "product": "flour", "class": "wheat", "quantity": ["amount": "1", "unit": "kg"]]]]
        do {
            _ = try EventEnvelope.parse(JSONValue.object(o).canonicalBytes)
            XCTFail("bad amount accepted")
        } catch {
            XCTAssertEqual(error.rule, .schema)
            XCTAssertTrue(error.detail.hasPrefix("body.inputs[0].quantity.amount: expected a positive decimal"), error.detail)
        }
    }

    func testTemplateSignsWithDefaultTime() throws {
        let key = try PrivateKey.generate(.ed25519)
        let template = try EventTemplate.parse(Array(#"{"type":"lot.recall","body":{"lot":"farm/raw-1","reason":"x"}}"#.utf8))
        let e = try template.signed(ledger: ledger, actor: PartyID("farm")!, key: key, now: time)
        XCTAssertEqual(e.time, time)
        XCTAssertEqual(e.type, .lotRecall)
        XCTAssertEqual(e.keyID, key.publicKey.keyID)
        XCTAssertEqual(try EventEnvelope.parse(e.leafBytes).id, e.id)
        do {
            _ = try EventTemplate.parse(Array(#"{"type":"lot.recall","body":{},"when":"now"}"#.utf8))
            XCTFail()
        } catch {
            XCTAssertEqual(error, AdmissionError(.schema, "when: unknown field"))
        }
    }

    // MARK: Body schemas of every type

    static func validBodies(_ key: PublicKey) -> [EventType: JSONValue] {
        let spki = JSONValue.string(Base64.encode(key.spkiDER))
        let someID = JSONValue.string(String(repeating: "0a", count: 32))
        return [
            .partyRegister: ["party": "mill", "name": "Mill", "role": "processor", "public_key": spki, "country": "ID",
                             "facilities": ["mill/plant-1"]],
            .partyRotateKey: ["party": "mill", "public_key": spki, "retire": [someID]],
            .partyRevoke: ["party": "mill", "reason": "left"],
            .certIssue: ["number": "MUI-1", "holder": "mill", "scheme": "HAS23000",
                         "scope": ["products": ["flour"], "classes": [], "gtins": ["09506000134352"]],
                         "valid_from": "2026-01-01T00:00:00Z", "valid_until": "2027-01-01T00:00:00Z",
                         "composition": ["wheat"], "self_declared": false],
            .certSuspend: ["number": "MUI-1", "reason": "audit"],
            .certRevoke: ["number": "MUI-1", "reason": "fraud"],
            .lotCreate: ["lot": "farm/raw-1", "product": "wheat", "class": "grain", "quantity": ["amount": "100", "unit": "kg"],
                         "facility": "farm/silo", "attributes": ["heads": 4]],
            .lotTransform: ["inputs": [["lot": "farm/raw-1", "quantity": ["amount": "40", "unit": "kg"]]],
                            "outputs": [["lot": "farm/flour-1", "product": "flour", "class": "wheat", "quantity": ["amount": "35", "unit": "kg"]]],
                            "process": "milling"],
            .lotAggregate: ["parent": "urn:epc:id:sscc:0614141.1234567890",
                            "children": [["lot": "farm/flour-1", "quantity": ["amount": "10", "unit": "kg"]]]],
            .lotDisaggregate: ["parent": "urn:epc:id:sscc:0614141.1234567890",
                               "children": [["lot": "farm/flour-1", "quantity": ["amount": "5", "unit": "kg"]]]],
            .custodyShip: ["to": "mill", "lots": [["lot": "farm/flour-1", "quantity": ["amount": "5", "unit": "kg"]]],
                           "carrier": "truck", "vehicle": "L 1234 AB", "segregated": true],
            .custodyReceive: ["shipment": someID, "lots": [["lot": "farm/flour-1", "quantity": ["amount": "5000", "unit": "g"]]],
                              "storage": "mill/cold-1"],
            .lotInspect: ["lot": "farm/flour-1", "test": "porcine-dna-pcr", "result": "negative",
                          "measurement": ["value": "0.35", "unit": "Ct"], "lab": "LPPOM", "report": "R-1"],
            .lotIncident: ["lot": "farm/flour-1", "kind": "resolution", "description": "cleaned", "resolves": someID],
            .lotCleanse: ["asset": "truck/tank-1", "method": "sertu", "washes": 7, "clay": true, "supervisor": "cert"],
            .lotRecall: ["lot": "farm/flour-1", "reason": "contamination"],
            .policySet: ["markets": ["MY": ["name": "Malaysia", "issuers": [["party": "jakim", "from": "2026-01-01T00:00:00Z"]],
                                            "certified_logistics": true, "ethanol": [["classes": ["soft-drink"], "max_percent": "1"]],
                                            "lab_tests": [["test": "porcine-dna-pcr", "classes": ["ready-meal"]]]]],
                         "non_critical": ["salt"], "critical": ["gelatin"], "haram_names": ["rum"], "mass_gain_percent": "2.5"],
            .eventDeclareError: ["declared": "ni:///sha-256;abababababababababababababababababababababababababababababababab?ver=CBV2.0", "event": someID,
                                 "declared_at": "2026-11-03T03:00:00Z", "reason": "https://ref.gs1.org/cbv/ER-incorrect_data",
                                 "corrective": ["ni:///sha-256;cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd?ver=CBV2.0"],
                                 "epcis": ["event": ["type": "ObjectEvent", "errorDeclaration": ["declarationTime": "2026-11-03T10:00:00+07:00"]],
                                           "namespaces": ["ex": "https://example.com/"],
                                           "hash": "ni:///sha-256;abababababababababababababababababababababababababababababababab?ver=CBV2.0"]],
        ]
    }

    private func type(of body: EventBody) -> EventType {
        switch body {
        case .partyRegister: return .partyRegister
        case .partyRotateKey: return .partyRotateKey
        case .partyRevoke: return .partyRevoke
        case .certIssue: return .certIssue
        case .certSuspend: return .certSuspend
        case .certRevoke: return .certRevoke
        case .lotCreate: return .lotCreate
        case .lotTransform: return .lotTransform
        case .lotAggregate: return .lotAggregate
        case .lotDisaggregate: return .lotDisaggregate
        case .custodyShip: return .custodyShip
        case .custodyReceive: return .custodyReceive
        case .lotInspect: return .lotInspect
        case .lotIncident: return .lotIncident
        case .lotCleanse: return .lotCleanse
        case .lotRecall: return .lotRecall
        case .policySet: return .policySet
        case .eventDeclareError: return .eventDeclareError
        }
    }

    func testOneValidBodyPerType() throws {
        let key = try PrivateKey.generate(.ed25519)
        let bodies = Self.validBodies(key.publicKey)
        XCTAssertEqual(Set(bodies.keys), Set(EventType.allCases))
        for (t, body) in bodies {
            do {
                let parsed = try EventBody.parse(type: t, body: body)
                XCTAssertEqual(type(of: parsed), t)
                // The same body also makes a signed envelope that parses back.
                let e = try EventEnvelope.Unsigned(ledger: ledger, type: t, actor: PartyID("farm")!, keyID: key.publicKey.keyID,
                                                   time: time, body: body).signed(with: key)
                XCTAssertEqual(try EventEnvelope.parse(e.leafBytes).id, e.id, t.rawValue)
            } catch {
                XCTFail("\(t.rawValue): \(error)")
            }
        }
    }

    func testParsedBodyValues() throws {
        let key = try PrivateKey.generate(.ed25519)
        let bodies = Self.validBodies(key.publicKey)
        guard case .partyRegister(let reg) = try EventBody.parse(type: .partyRegister, body: bodies[.partyRegister]!) else { return XCTFail() }
        XCTAssertEqual(reg.party, PartyID("mill"))
        XCTAssertEqual(reg.role, .processor)
        XCTAssertEqual(reg.publicKey, key.publicKey)
        XCTAssertEqual(reg.country, "ID")
        XCTAssertEqual(reg.facilities, ["mill/plant-1"])
        guard case .custodyReceive(let rec) = try EventBody.parse(type: .custodyReceive, body: bodies[.custodyReceive]!) else { return XCTFail() }
        XCTAssertEqual(rec.lots.first?.quantity.micro, 5_000_000_000)
        XCTAssertEqual(rec.lots.first?.quantity.unit, .g)
        XCTAssertEqual(rec.shipment.hex, String(repeating: "0a", count: 32))
        guard case .lotCleanse(let cl) = try EventBody.parse(type: .lotCleanse, body: bodies[.lotCleanse]!) else { return XCTFail() }
        XCTAssertEqual(cl.washes, 7)
        XCTAssertEqual(cl.method, .sertu)
        XCTAssertEqual(cl.supervisor, PartyID("cert"))
        guard case .certIssue(let ci) = try EventBody.parse(type: .certIssue, body: bodies[.certIssue]!) else { return XCTFail() }
        XCTAssertEqual(ci.scope.products, ["flour"])
        XCTAssertEqual(ci.scope.gtins, ["09506000134352"])
        XCTAssertEqual(ci.scope.facilities, [])
        XCTAssertEqual(ci.selfDeclared, false)
        XCTAssertEqual(ci.validUntil, Timestamp("2027-01-01T00:00:00Z"))
        guard case .lotAggregate(let ag) = try EventBody.parse(type: .lotAggregate, body: bodies[.lotAggregate]!) else { return XCTFail() }
        XCTAssertEqual(ag.parent.form, .epcURN)
        XCTAssertEqual(ag.children.map(\.quantity.micro), [10_000_000_000])
    }

    /// Replaces the value at a path of keys/indices in a JSON value (nil removes it).
    private func edit(_ v: JSONValue, _ path: [Any], _ new: JSONValue?) -> JSONValue {
        guard let head = path.first else { return new ?? .null }
        let rest = Array(path.dropFirst())
        switch (v, head) {
        case (.object(var o), let k as String):
            if rest.isEmpty, new == nil { o.removeValue(forKey: k) } else { o[k] = edit(o[k] ?? .null, rest, new) }
            return .object(o)
        case (.array(var a), let i as Int):
            a[i] = edit(a[i], rest, new)
            return .array(a)
        default:
            preconditionFailure("bad edit path")
        }
    }

    func testSchemaErrorsNameTheirPath() throws {
        let key = try PrivateKey.generate(.ed25519)
        let b = Self.validBodies(key.publicKey)
        let cases: [(EventType, [Any], JSONValue?, String, String)] = [
            (.lotTransform, ["inputs", 0, "quantity", "amount"], "1e3", "body.inputs[0].quantity.amount", "expected a positive decimal"),
            (.lotTransform, ["inputs", 0, "quantity", "amount"], 12, "body.inputs[0].quantity.amount", "expected a string"),
            (.lotTransform, ["inputs", 0, "quantity", "amount"], nil, "body.inputs[0].quantity.amount", "required field is missing"),
            (.lotTransform, ["inputs", 0, "quantity", "unit"], "lb", "body.inputs[0].quantity.unit", "expected one of mg, g, kg, t, ml, l, pcs"),
            (.lotTransform, ["inputs", 0, "quantity", "grams"], "1", "body.inputs[0].quantity.grams", "unknown field"),
            (.lotTransform, ["outputs", 0, "lot"], "farm/raw-1", "body.outputs[0].lot", "lot farm/raw-1 appears twice"),
            (.lotTransform, ["outputs", 0, "class"], nil, "body.outputs[0].class", "required field is missing"),
            (.lotTransform, ["inputs"], .array([]), "body.inputs", "must not be empty"),
            (.lotTransform, ["inputs"], "farm/raw-1", "body.inputs", "expected an array"),
            (.lotCreate, ["quantity", "amount"], "0", "body.quantity.amount", "expected a positive decimal"),
            (.lotCreate, ["lot"], "Farm/raw-1", "body.lot", "expected a lot id"),
            (.lotCreate, ["attributes"], "x", "body.attributes", "expected an object"),
            (.lotCreate, ["product"], "", "body.product", "must not be empty"),
            (.lotCreate, ["facility"], .string(String(repeating: "f", count: 257)), "body.facility", "longer than 256 bytes"),
            (.partyRegister, ["role"], nil, "body.role", "required field is missing"),
            (.partyRegister, ["role"], "boss", "body.role", "expected one of admin, producer"),
            (.partyRegister, ["public_key"], "AAAA", "body.public_key", "not an Ed25519 or P-256 public key"),
            (.partyRegister, ["public_key"], "***", "body.public_key", "expected base64"),
            (.partyRegister, ["country"], "IDN", "body.country", "longer than 2 bytes"),
            (.partyRegister, ["facilities"], [1], "body.facilities[0]", "expected a non-empty string"),
            (.partyRotateKey, ["retire", 0], "ABC", "body.retire[0]", "expected a key id"),
            (.partyRevoke, ["party"], "-x", "body.party", "expected a party id"),
            (.certIssue, ["scope"], [:], "body.scope", "a scope must name at least one"),
            (.certIssue, ["scope", "regions"], ["x"], "body.scope.regions", "unknown field"),
            (.certIssue, ["valid_until"], "2025-01-01T00:00:00Z", "body.valid_until", "must be after valid_from"),
            (.certIssue, ["self_declared"], "no", "body.self_declared", "expected true or false"),
            (.certSuspend, ["number"], nil, "body.number", "required field is missing"),
            (.certRevoke, ["reason"], 5, "body.reason", "expected a string"),
            (.lotAggregate, ["children", 0, "lot"], "urn:epc:id:sscc:0614141.1234567890", "body.children[0].lot", "a container cannot contain itself"),
            (.lotDisaggregate, ["parent"], nil, "body.parent", "required field is missing"),
            (.custodyShip, ["to"], nil, "body.to", "required field is missing"),
            (.custodyShip, ["lots"], .array([]), "body.lots", "must not be empty"),
            (.custodyShip, ["carrier"], "Truck", "body.carrier", "expected a party id"),
            (.custodyReceive, ["shipment"], .string(String(repeating: "0A", count: 32)), "body.shipment", "expected an event id"),
            (.custodyReceive, ["lots", 0, "quantity"], "5 kg", "body.lots[0].quantity", "expected an object"),
            (.lotInspect, ["result"], "maybe", "body.result", "expected one of pass, fail"),
            (.lotInspect, ["measurement", "value"], "1e3", "body.measurement.value", "expected a decimal"),
            (.lotIncident, ["resolves"], nil, "body.resolves", "required exactly when kind is \"resolution\""),
            (.lotIncident, ["kind"], "fire", "body.kind", "expected one of contamination"),
            (.lotCleanse, ["washes"], 0, "body.washes", "must be between 1 and 100"),
            (.lotCleanse, ["washes"], 1.5, "body.washes", "expected an integer"),
            (.lotCleanse, ["method"], "rinse", "body.method", "expected sertu or standard"),
            (.lotRecall, ["reason"], "", "body.reason", "must not be empty"),
        ]
        for (t, path, value, expectedPath, problemPrefix) in cases {
            let body = edit(b[t]!, path, value)
            do {
                _ = try EventBody.parse(type: t, body: body)
                XCTFail("\(t.rawValue) \(expectedPath): accepted")
            } catch {
                XCTAssertEqual(error.path, expectedPath, "\(t.rawValue): \(error)")
                XCTAssertTrue(error.problem.hasPrefix(problemPrefix), "\(t.rawValue) \(expectedPath): \(error.problem)")
            }
        }
        // A duplicate lot in a list names the second occurrence.
        let twice = edit(b[.custodyShip]!, ["lots"], .array([b[.custodyShip]!["lots"]![0]!, b[.custodyShip]!["lots"]![0]!]))
        XCTAssertThrowsError(try EventBody.parse(type: .custodyShip, body: twice)) { error in
            XCTAssertEqual((error as? SchemaError)?.path, "body.lots[1].lot")
        }
        // A resolution kind is required with resolves, and resolves only with it.
        let contamination = edit(b[.lotIncident]!, ["kind"], "contamination")
        XCTAssertThrowsError(try EventBody.parse(type: .lotIncident, body: contamination)) { error in
            XCTAssertEqual((error as? SchemaError)?.path, "body.resolves")
        }
        // A body that is not an object.
        XCTAssertThrowsError(try EventBody.parse(type: .lotRecall, body: ["x"])) { error in
            XCTAssertEqual(error as? SchemaError, SchemaError(path: "body", problem: "expected an object"))
        }
        // Every type's body is closed.
        for t in EventType.allCases {
            XCTAssertThrowsError(try EventBody.parse(type: t, body: edit(b[t]!, ["zzz"], 1))) { error in
                XCTAssertEqual(error as? SchemaError, SchemaError(path: "body.zzz", problem: "unknown field"), t.rawValue)
            }
        }
    }
}
