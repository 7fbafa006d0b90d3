import HADICCrypto

/// A signed event exactly as its author signed it (docs/FORMATS.md, "Event envelope").
///
/// `{"v":1,"ledger":…,"type":…,"actor":…,"key":…,"time":…,"body":{…},"sig":…}`.
/// Construction computes the three byte strings everything else rests on:
/// - ``signingInput``: `hadic-event-v1\n` + JCS(envelope without `sig`), what the signature covers;
/// - ``id``: SHA-256 of the signing input;
/// - ``leafBytes``: JCS(whole envelope), what the Merkle tree commits to.
/// A parsed envelope is well-formed and its body matches its type's schema; whether it may
/// join the ledger is the admission rules' business.
public struct EventEnvelope: Sendable {
    public static let domainSeparator = Array("hadic-event-v1\n".utf8)

    /// The envelope's fields in one immutable box: an event is handed between parsing, the
    /// signature check, admission and sealing many times, and copying the box is one reference
    /// count where copying the fields was one per string, array and body part (a score of them).
    private final class Storage: Sendable {
        let parts: Unsigned
        let signature: [UInt8]
        let signingInput: [UInt8]
        let id: EventID
        let leafBytes: [UInt8]

        init(parts: Unsigned, signature: [UInt8], signingInput: [UInt8], id: EventID, leafBytes: [UInt8]) {
            self.parts = parts
            self.signature = signature
            self.signingInput = signingInput
            self.id = id
            self.leafBytes = leafBytes
        }
    }

    private let storage: Storage

    public var ledger: String { storage.parts.ledger }
    public var type: EventType { storage.parts.type }
    public var actor: PartyID { storage.parts.actor }
    public var keyID: String { storage.parts.keyID }
    public var time: Timestamp { storage.parts.time }
    public var bodyJSON: JSONValue { storage.parts.body }
    public var body: EventBody { storage.parts.typedBody }
    /// The EPCIS event this event was imported from (its body's `epcis` member), if any.
    public var epcis: EPCISCapture? { storage.parts.epcis }
    public var signature: [UInt8] { storage.signature }

    public var unsignedParts: Unsigned { storage.parts }
    public var signingInput: [UInt8] { storage.signingInput }
    public var id: EventID { storage.id }
    public var leafBytes: [UInt8] { storage.leafBytes }

    /// Parses and checks the shape of one envelope (any JSON spelling; HADIC re-canonicalises).
    public static func parse(_ bytes: some Collection<UInt8>) throws(AdmissionError) -> EventEnvelope {
        try parse(try InputLine.json(bytes))
    }

    public static func parse(_ json: JSONValue) throws(AdmissionError) -> EventEnvelope {
        try InputLine.refusingAsSchema {
            var r = try FieldReader(json, path: "")
            guard r.keys.contains("sig") else { throw SchemaError(path: "sig", problem: "required field is missing") }
            let parts = try readUnsigned(&r)
            let sigText = try r.string("sig", maxLength: 200)
            try r.finish()
            guard let signature = Base64.decode(sigText) else {
                throw SchemaError(path: "sig", problem: "expected standard base64 with padding")
            }
            return try EventEnvelope(parts: parts, signature: signature)
        }
    }

    /// The fields of an unsigned envelope (a template being signed, or the signed part of one).
    public struct Unsigned: Sendable {
        public let ledger: String
        public let type: EventType
        public let actor: PartyID
        public let keyID: String
        public let time: Timestamp
        public let body: JSONValue
        public let typedBody: EventBody
        /// The body's `epcis` member, if it has one.
        public let epcis: EPCISCapture?

        public init(ledger: String, type: EventType, actor: PartyID, keyID: String, time: Timestamp, body: JSONValue) throws(AdmissionError) {
            guard EventEnvelope.isLowerHex64(ledger) else {
                throw AdmissionError(.schema, "ledger: expected a ledger id (64 lowercase hex digits)")
            }
            guard EventEnvelope.isLowerHex64(keyID) else {
                throw AdmissionError(.schema, "key: expected a key id (64 lowercase hex digits)")
            }
            do {
                (typedBody, epcis) = try EventBody.parseWithEPCIS(type: type, body: body)
            } catch {
                throw AdmissionError(.schema, error.description)
            }
            self.ledger = ledger
            self.type = type
            self.actor = actor
            self.keyID = keyID
            self.time = time
            self.body = body
        }

        public var json: [String: JSONValue] {
            ["v": .number(JSONNumber(1)), "ledger": .string(ledger), "type": .string(type.rawValue),
             "actor": .string(actor.rawValue), "key": .string(keyID), "time": .string(time.text), "body": body]
        }

        public var signingInput: [UInt8] { canonicalSigningInput().bytes }

        /// The signing input (domain separator, then the JCS bytes of these fields), written
        /// member by member in JCS order, and the offset where the signed envelope's `sig`
        /// member goes: JCS sorts members by name and `sig` falls between `ledger` and `time`,
        /// so the leaf bytes are these bytes with that member spliced in (one serialisation
        /// of the body instead of two, for every event a node takes in).
        func canonicalSigningInput() -> (bytes: [UInt8], sigAt: Int) {
            var out = EventEnvelope.domainSeparator
            out.reserveCapacity(512)
            func member(_ name: StaticString, first: Bool = false) {
                if !first { out.append(0x2C) }  // ,
                out.append(0x22)  // "
                name.withUTF8Buffer { out.append(contentsOf: $0) }
                out.append(contentsOf: [0x22, 0x3A])  // ":
            }
            out.append(0x7B)  // {
            member("actor", first: true); JSONStringEscaping.appendQuoted(actor.rawValue, to: &out)
            member("body"); CanonicalJSON.append(body, to: &out)
            member("key"); JSONStringEscaping.appendQuoted(keyID, to: &out)
            member("ledger"); JSONStringEscaping.appendQuoted(ledger, to: &out)
            let sigAt = out.count
            member("time"); JSONStringEscaping.appendQuoted(time.text, to: &out)
            member("type"); JSONStringEscaping.appendQuoted(type.rawValue, to: &out)
            member("v"); out.append(0x31)  // 1
            out.append(0x7D)  // }
            return (out, sigAt)
        }

        /// The id the signed event will have (it does not depend on the signature).
        public var id: EventID { EventID(digest: SHA256.hash(signingInput)) }

        /// Signs with the author's private key (which never leaves the author's machine).
        public func signed(with key: PrivateKey) throws -> EventEnvelope {
            try EventEnvelope(parts: self, signature: key.sign(signingInput))
        }
    }

    static func readUnsigned(_ r: inout FieldReader) throws -> Unsigned {
        guard try r.integer("v", in: 0...Int64.max) == 1 else {
            throw SchemaError(path: "v", problem: "unsupported envelope version (this is version 1)")
        }
        let type = try r.parsed("type", { EventType(rawValue: $0) }, expected: "a known event type")
        return try Unsigned(
            ledger: try r.string("ledger", maxLength: 64), type: type, actor: try r.party("actor"),
            keyID: try r.string("key", maxLength: 64), time: try r.time("time"), body: try r.value("body"))
    }

    public init(parts: Unsigned, signature: [UInt8]) throws(AdmissionError) {
        let (input, sigAt) = parts.canonicalSigningInput()
        var leaf: [UInt8] = []
        leaf.reserveCapacity(input.count + 100)
        leaf.append(contentsOf: input[EventEnvelope.domainSeparator.count..<sigAt])
        leaf.append(contentsOf: #","sig":"#.utf8)
        JSONStringEscaping.appendQuoted(Base64.encode(signature), to: &leaf)
        leaf.append(contentsOf: input[sigAt...])
        guard leaf.count <= Limits.maxEventBytes else {
            throw AdmissionError(.tooLarge, "event of \(leaf.count) canonical bytes exceeds \(Limits.maxEventBytes)")
        }
        storage = Storage(parts: parts, signature: signature, signingInput: input,
                          id: EventID(digest: SHA256.hash(input)), leafBytes: leaf)
    }

    /// The one spelling HADIC writes for 32-byte values (ids, key ids, ledger ids): 64 lowercase hex digits.
    static func isLowerHex64(_ s: String) -> Bool {
        s.utf8.count == 64 && s.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }
}

/// What a query needs of an event already in the ledger, read from its stored leaf bytes
/// without re-canonicalising or re-hashing them: their id, leaf hash and signature were checked
/// when the event was admitted and are re-checked by `hadic verify`. About three times cheaper
/// than ``EventEnvelope/parse(_:)-swift.type.method``, which a query over thousands of events feels.
public struct AdmittedEvent: Sendable {
    public let keyID: String
    public let body: EventBody

    public init(leafBytes: [UInt8], type: EventType) throws(AdmissionError) {
        let json = try InputLine.json(leafBytes)
        (keyID, body) = try InputLine.refusingAsSchema {
            var r = try FieldReader(json, path: "")
            let key = try r.string("key", maxLength: 64)
            return (key, try EventBody.parse(type: type, body: try r.value("body")))
        }
    }
}
