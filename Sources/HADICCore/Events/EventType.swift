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
}
