/// The admission rules, by the stable name every rejection carries (docs/EVENTS.md, "Admission rules").
public enum AdmissionRule: String, CaseIterable, Sendable {
    /// The envelope or its body does not match the schema of its type.
    case schema
    /// The canonical event is larger than ``Limits/maxEventBytes``.
    case tooLarge = "too-large"
    /// The envelope names another ledger.
    case ledgerID = "ledger-id"
    /// The event's time is further ahead of the sequencer's clock than ``Limits/maxFutureSkewSeconds``.
    case futureTime = "future-time"
    /// The actor is not a registered party.
    case unknownActor = "unknown-actor"
    /// The actor was revoked.
    case revokedActor = "revoked-actor"
    /// The key is not one of the actor's keys, or it was retired.
    case keyNotAuthorized = "key-not-authorized"
    /// The signature does not verify under the named key.
    case signature
    /// The actor's role may not author this event type.
    case role
    /// The same event (same id) is already in the ledger.
    case duplicate
    /// The event names a lot, event, certificate or party the ledger does not know.
    case unknownReference = "unknown-reference"
    /// The event would create something that already exists (a lot, a party, a certificate number).
    case alreadyExists = "already-exists"
    /// A party-local lot id in another party's namespace.
    case namespace
    /// The actor does not hold the lot it acts on, or receives a shipment not addressed to it.
    case custody
    /// The event consumes, ships or packs more of a lot than remains, or in a unit of another dimension.
    case massBalance = "mass-balance"
    /// The event changes the status of something in a way its current status forbids.
    case status
    /// The body's `epcis` member states a hash that is not the GS1 CBV 2.0 hash of the EPCIS
    /// event it keeps (or the hash cannot be computed from it).
    case epcisHash = "epcis-hash"
    /// An EPCIS event with the same event hash is already in the ledger.
    case epcisDuplicate = "epcis-duplicate"
}

/// Why an event was refused. Nothing of a refused event is stored.
public struct AdmissionError: Error, Equatable, Sendable, CustomStringConvertible {
    public let rule: AdmissionRule
    public let detail: String

    public init(_ rule: AdmissionRule, _ detail: String) {
        self.rule = rule
        self.detail = detail
    }

    public var description: String { "rule \(rule.rawValue): \(detail)" }
}

/// Why the event hash of a kept EPCIS event could not be computed (a field the GS1 algorithm
/// needs is missing or malformed), as the EPCIS code says it.
public struct EPCISHashFailure: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
