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
        case .admin: return Self.adminTypes
        case .certifier: return Self.certifierTypes
        case .auditor: return Self.auditorTypes
        case .producer, .processor: return Self.makerTypes
        case .logistics: return Self.logisticsTypes
        case .exporter: return Self.exporterTypes
        case .node: return []
        }
    }

    // Built once: admission asks for every event it admits.
    private static let adminTypes: Set<EventType> = [.partyRegister, .partyRotateKey, .partyRevoke, .lotRecall, .policySet, .eventDeclareError]
    private static let certifierTypes: Set<EventType> = [.certIssue, .certSuspend, .certRevoke, .lotInspect, .lotIncident, .lotRecall,
                                                         .eventDeclareError]
    private static let auditorTypes: Set<EventType> = [.lotInspect, .lotIncident, .eventDeclareError]
    private static let makerTypes: Set<EventType> = [.lotCreate, .lotTransform, .lotAggregate, .lotDisaggregate, .custodyShip, .custodyReceive,
                                                     .lotInspect, .lotIncident, .lotCleanse, .lotRecall, .eventDeclareError]
    private static let logisticsTypes: Set<EventType> = [.lotAggregate, .lotDisaggregate, .custodyShip, .custodyReceive, .lotIncident,
                                                         .lotCleanse, .eventDeclareError]
    private static let exporterTypes: Set<EventType> = [.lotAggregate, .lotDisaggregate, .custodyShip, .custodyReceive, .lotInspect,
                                                        .lotIncident, .lotCleanse, .lotRecall, .eventDeclareError]

    /// Roles that may observe (inspect, report incidents on) a lot they do not hold.
    public var isOversight: Bool { self == .certifier || self == .auditor || self == .admin }
}
