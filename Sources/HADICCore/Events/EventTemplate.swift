import HADICCrypto

/// What an author writes before signing: `{"type":…,"body":…}` and optionally `"time"`.
///
/// `hadic sign` and `hadic append --key` turn each template into an envelope for one ledger,
/// actor and key; the body is checked against its type's schema before anything is signed.
public struct EventTemplate: Sendable {
    public let type: EventType
    public let body: JSONValue
    public let time: Timestamp?

    public static func parse(_ bytes: some Collection<UInt8>) throws(AdmissionError) -> EventTemplate {
        let json = try InputLine.json(bytes)
        return try InputLine.refusingAsSchema {
            var r = try FieldReader(json, path: "")
            let template = EventTemplate(
                type: try r.parsed("type", { EventType(rawValue: $0) }, expected: "a known event type"),
                body: try r.value("body"),
                time: try r.optionalParsed("time", { Timestamp($0) }, expected: "an RFC 3339 UTC time"))
            try r.finish()
            return template
        }
    }

    /// Signs this template as `actor` with `key` for `ledger`; `time` defaults to `now`.
    public func signed(ledger: String, actor: PartyID, key: PrivateKey, now: Timestamp) throws(AdmissionError) -> EventEnvelope {
        let parts = try EventEnvelope.Unsigned(ledger: ledger, type: type, actor: actor, keyID: key.publicKey.keyID,
                                               time: time ?? now, body: body)
        return try InputLine.refusingAsSchema { try parts.signed(with: key) }
    }
}
