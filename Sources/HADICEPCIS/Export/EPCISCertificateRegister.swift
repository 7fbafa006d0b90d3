import HADICCore

/// The certificates of a ledger as its events declare them, replayed in ledger order, to say
/// which ones an exported event relies on (its `certificationInfo`).
///
/// Guarantees: ``certificates(heldBy:at:)`` answers from the events fed before (lower leaf
/// indices) only: a certificate counts when its `cert.issue` came earlier, the time lies inside
/// its validity window, and no earlier `cert.suspend` or `cert.revoke` took effect at or before
/// that time. Answers are sorted by URI, so an export is the same however often it runs.
public struct EPCISCertificateRegister: Sendable {
    private struct Certificate: Sendable {
        let uri: String
        let holder: PartyID
        let validFrom: Timestamp
        let validUntil: Timestamp
        var withdrawnAt: Timestamp?
    }

    private var certificates: [String: Certificate] = [:]
    private var byHolder: [PartyID: [String]] = [:]

    public init() {}

    /// Takes in one event (in ledger order); events other than `cert.*` change nothing.
    public mutating func feed(_ envelope: EventEnvelope) {
        switch envelope.body {
        case .certIssue(let b):
            let uri = HADICURI.certificate(issuer: envelope.actor, number: b.number)
            certificates[uri] = Certificate(uri: uri, holder: b.holder, validFrom: b.validFrom, validUntil: b.validUntil)
            byHolder[b.holder, default: []].append(uri)
        case .certSuspend(let b), .certRevoke(let b):
            let uri = HADICURI.certificate(issuer: envelope.actor, number: b.number)
            guard var c = certificates[uri] else { return }
            // Suspended or revoked, it is not active again (HADIC has no reinstatement event).
            if c.withdrawnAt.map({ envelope.time < $0 }) ?? true { c.withdrawnAt = envelope.time }
            certificates[uri] = c
        default:
            return
        }
    }

    /// The URIs of the certificates `party` held, active, at `time`.
    public func certificates(heldBy party: PartyID, at time: Timestamp) -> [String] {
        (byHolder[party] ?? []).compactMap { uri in
            guard let c = certificates[uri], c.validFrom <= time, time <= c.validUntil else { return nil }
            if let w = c.withdrawnAt, w <= time { return nil }
            return uri
        }.sorted()
    }
}
