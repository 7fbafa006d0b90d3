import HADICCore

/// What an export covers (`hadic epcis export LOT | --all [--closure] [--since TIME]`).
public struct EPCISExportScope: Sendable {
    public enum Events: Sendable {
        /// Every event of the ledger that has an EPCIS counterpart.
        case all
        /// The events that touch the lot; with `closure`, those that touch any lot of its
        /// ``EPCISLotClosure``.
        case lot(LotID, closure: Bool)
    }

    public let events: Events
    /// Only events whose HADIC time (`eventTime`) is at or after this.
    public let since: Timestamp?

    public init(events: Events, since: Timestamp?) {
        self.events = events
        self.since = since
    }
}
