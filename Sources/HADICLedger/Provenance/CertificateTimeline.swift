import HADICCore

/// A certificate with everything that happened to it, so its status can be read at any time.
/// A class: assessments pass certificates around thousands of times; its history is complete
/// once ``build(from:)`` returns and never changes after.
public final class CertificateTimeline: @unchecked Sendable {
    public enum Status: String, Sendable { case notYetIssued = "not-yet-issued", notYetValid = "not-yet-valid", active, suspended, revoked, expired }

    public let issuer: PartyID
    public let issue: CertIssue
    public let issuedAt: Timestamp
    public let issuedBy: EventID
    /// How results name it: `issuer/number` (made once: assessments name certificates thousands of times).
    public let reference: String
    /// Its position among the certificates of the ``LedgerEvidence`` that loaded it (for tables by certificate).
    public internal(set) var position = 0
    /// Suspensions and revocations, in ledger order, with their event times.
    public private(set) var changes: [(kind: EventType, time: Timestamp, event: EventID, reason: String)] = []

    init(issuer: PartyID, issue: CertIssue, issuedAt: Timestamp, issuedBy: EventID, reference: String) {
        self.issuer = issuer
        self.issue = issue
        self.issuedAt = issuedAt
        self.issuedBy = issuedBy
        self.reference = reference
    }

    /// The status at `time`, by event times: revoked or suspended once such an event's time has
    /// passed; otherwise active only inside the validity window.
    public func status(at time: Timestamp) -> Status {
        if time < issuedAt { return .notYetIssued }
        if changes.contains(where: { $0.kind == .certRevoke && $0.time <= time }) { return .revoked }
        if changes.contains(where: { $0.kind == .certSuspend && $0.time <= time }) { return .suspended }
        if time < issue.validFrom { return .notYetValid }
        if issue.validUntil < time { return .expired }
        return .active
    }

    /// Every certificate of the ledger, in order of issue, from its certificate events (in ledger order).
    public static func build(from events: [EventEnvelope]) -> [CertificateTimeline] {
        var order: [CertificateKey] = []
        var timelines: [CertificateKey: CertificateTimeline] = [:]
        for e in events {
            switch e.body {
            case .certIssue(let b):
                let key = CertificateKey(issuer: e.actor, number: b.number)
                guard timelines[key] == nil else { continue }
                order.append(key)
                timelines[key] = CertificateTimeline(issuer: e.actor, issue: b, issuedAt: e.time, issuedBy: e.id,
                                                     reference: "\(e.actor)/\(b.number)")
            case .certSuspend(let b), .certRevoke(let b):
                timelines[CertificateKey(issuer: e.actor, number: b.number)]?.changes.append((e.type, e.time, e.id, b.reason))
            default:
                continue
            }
        }
        return order.compactMap { timelines[$0] }
    }
}
