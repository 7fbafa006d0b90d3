/// What a party does in the supply chain; it decides which event types the party may sign.
public enum Role: String, CaseIterable, Sendable {
    case admin, producer, processor, logistics, exporter, certifier, auditor
    /// A replica node (hadicd): its key proves the node to its peers (docs/PROTOCOL.md). It
    /// signs no events; a node is registered so that the ledger itself says which keys are nodes.
    case node

    /// The event types a party of this role may author (docs/EVENTS.md, "Who may sign what").
    /// `event.declare-error` is further limited by admission to the declared event's actor,
    /// certifiers and admins.
    public var permittedTypes: Set<EventType> {
        switch self {
        case .admin:
            return [.partyRegister, .partyRotateKey, .partyRevoke, .lotRecall, .policySet, .eventDeclareError]
        case .certifier:
            return [.certIssue, .certSuspend, .certRevoke, .lotInspect, .lotIncident, .lotRecall, .eventDeclareError]
        case .auditor:
            return [.lotInspect, .lotIncident, .eventDeclareError]
        case .producer, .processor:
            return [.lotCreate, .lotTransform, .lotAggregate, .lotDisaggregate, .custodyShip, .custodyReceive,
                    .lotInspect, .lotIncident, .lotCleanse, .lotRecall, .eventDeclareError]
        case .logistics:
            return [.lotAggregate, .lotDisaggregate, .custodyShip, .custodyReceive, .lotIncident, .lotCleanse, .eventDeclareError]
        case .exporter:
            return [.lotAggregate, .lotDisaggregate, .custodyShip, .custodyReceive, .lotInspect, .lotIncident,
                    .lotCleanse, .lotRecall, .eventDeclareError]
        case .node:
            return []
        }
    }

    /// Roles that may observe (inspect, report incidents on) a lot they do not hold.
    public var isOversight: Bool { self == .certifier || self == .auditor || self == .admin }
}
