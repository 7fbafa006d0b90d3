/// The typed body of an event, one case per ``EventType``.
///
/// Parsing is closed: a body with a missing, mistyped or unknown field is a ``SchemaError``
/// naming the field, and so is refused by the `schema` admission rule.
public enum EventBody: Sendable {
    case partyRegister(PartyRegister)
    case partyRotateKey(PartyRotateKey)
    case partyRevoke(PartyRevoke)
    case certIssue(CertIssue)
    case certSuspend(CertStatusChange)
    case certRevoke(CertStatusChange)
    case lotCreate(LotCreate)
    case lotTransform(LotTransform)
    case lotAggregate(LotAggregation)
    case lotDisaggregate(LotAggregation)
    case custodyShip(CustodyShip)
    case custodyReceive(CustodyReceive)
    case lotInspect(LotInspect)
    case lotIncident(LotIncident)
    case lotCleanse(LotCleanse)
    case lotRecall(LotRecall)
    case policySet(PolicySet)

    public static func parse(type: EventType, body: JSONValue) throws(SchemaError) -> EventBody {
        var r = try FieldReader(body, path: "body")
        let parsed: EventBody
        switch type {
        case .partyRegister: parsed = .partyRegister(try PartyRegister(&r))
        case .partyRotateKey: parsed = .partyRotateKey(try PartyRotateKey(&r))
        case .partyRevoke: parsed = .partyRevoke(try PartyRevoke(&r))
        case .certIssue: parsed = .certIssue(try CertIssue(&r))
        case .certSuspend: parsed = .certSuspend(try CertStatusChange(&r))
        case .certRevoke: parsed = .certRevoke(try CertStatusChange(&r))
        case .lotCreate: parsed = .lotCreate(try LotCreate(&r))
        case .lotTransform: parsed = .lotTransform(try LotTransform(&r))
        case .lotAggregate: parsed = .lotAggregate(try LotAggregation(&r))
        case .lotDisaggregate: parsed = .lotDisaggregate(try LotAggregation(&r))
        case .custodyShip: parsed = .custodyShip(try CustodyShip(&r))
        case .custodyReceive: parsed = .custodyReceive(try CustodyReceive(&r))
        case .lotInspect: parsed = .lotInspect(try LotInspect(&r))
        case .lotIncident: parsed = .lotIncident(try LotIncident(&r))
        case .lotCleanse: parsed = .lotCleanse(try LotCleanse(&r))
        case .lotRecall: parsed = .lotRecall(try LotRecall(&r))
        case .policySet: parsed = .policySet(try PolicySet(&r))
        }
        try r.finish()
        return parsed
    }
}
