/// The kinds of statement a party can append. The raw value is the envelope's `type`.
public enum EventType: String, CaseIterable, Sendable {
    case partyRegister = "party.register"
    case partyRotateKey = "party.rotate-key"
    case partyRevoke = "party.revoke"
    case certIssue = "cert.issue"
    case certSuspend = "cert.suspend"
    case certRevoke = "cert.revoke"
    case lotCreate = "lot.create"
    case lotTransform = "lot.transform"
    case lotAggregate = "lot.aggregate"
    case lotDisaggregate = "lot.disaggregate"
    case custodyShip = "custody.ship"
    case custodyReceive = "custody.receive"
    case lotInspect = "lot.inspect"
    case lotIncident = "lot.incident"
    case lotCleanse = "lot.cleanse"
    case lotRecall = "lot.recall"
    case policySet = "policy.set"
    case eventDeclareError = "event.declare-error"

    /// The types whose body may carry the `epcis` member (an event imported from GS1 EPCIS).
    /// `event.declare-error` must carry it.
    public var acceptsEPCIS: Bool {
        switch self {
        case .lotCreate, .lotTransform, .lotAggregate, .lotDisaggregate, .custodyShip, .custodyReceive, .lotInspect, .eventDeclareError:
            return true
        default:
            return false
        }
    }
}
