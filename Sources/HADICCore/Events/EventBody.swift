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
    case eventDeclareError(EventDeclareError)

    public static func parse(type: EventType, body: JSONValue) throws(SchemaError) -> EventBody {
        try parseWithEPCIS(type: type, body: body).body
    }

    /// The body and its `epcis` member (docs/EVENTS.md, "The epcis member"): optional on the
    /// types that accept it, required on `event.declare-error`, an unknown field elsewhere.
    /// The kept EPCIS event declares an error exactly when the type is `event.declare-error`.
    public static func parseWithEPCIS(type: EventType, body: JSONValue) throws(SchemaError) -> (body: EventBody, epcis: EPCISCapture?) {
        var r = try FieldReader(body, path: "body")
        let epcis = type.acceptsEPCIS ? try r.optionalEPCIS() : nil
        if let epcis, epcis.declaresError != (type == .eventDeclareError) {
            throw SchemaError(path: "body.epcis.event.errorDeclaration",
                              problem: type == .eventDeclareError ? "required: an event.declare-error keeps the EPCIS error declaration"
                                  : "an EPCIS error declaration is imported as event.declare-error, not \(type.rawValue)")
        }
        if type == .eventDeclareError, epcis == nil {
            throw SchemaError(path: "body.epcis", problem: "required field is missing")
        }
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
        case .eventDeclareError: parsed = .eventDeclareError(try EventDeclareError(&r))
        }
        try r.finish()
        return (parsed, epcis)
    }
}
