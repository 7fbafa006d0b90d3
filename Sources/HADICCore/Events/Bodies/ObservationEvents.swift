/// A measured value with a free unit (`%vol`, `ppm`, `Ct`), kept as decimal text.
public struct Measurement: Hashable, Sendable {
    public let value: String
    public let unit: String
}

/// `lot.inspect`: an inspection or laboratory result (porcine DNA PCR, ethanol content, audit).
public struct LotInspect: Sendable {
    public enum Result: String, CaseIterable, Sendable { case pass, fail, negative, positive, inconclusive }

    public let lot: LotID
    public let test: String
    public let result: Result
    public let measurement: Measurement?
    public let lab: String?
    public let report: String?

    init(_ r: inout FieldReader) throws(SchemaError) {
        lot = try r.lot("lot")
        test = try r.identifier("test")
        result = try r.parsed("result", { Result(rawValue: $0) }, expected: "one of " + Result.allCases.map(\.rawValue).joined(separator: ", "))
        if var m = try r.optionalObject("measurement") {
            let value = try m.string("value", maxLength: 40)
            guard Quantity.isDecimalText(value) else {
                throw SchemaError(path: m.childPath("value"), problem: "expected a decimal like \"0.35\"")
            }
            measurement = Measurement(value: value, unit: try m.identifier("unit"))
            try m.finish()
        } else {
            measurement = nil
        }
        lab = try r.optionalString("lab")
        report = try r.optionalIdentifier("report")
    }
}

/// `lot.incident`: contamination, quarantine, non-conformity or najis contact on a lot;
/// or, with `resolves`, the resolution of an earlier open incident on the same lot.
public struct LotIncident: Sendable {
    public enum Kind: String, CaseIterable, Sendable { case contamination, quarantine, nonconformity, najis, resolution }

    public let lot: LotID
    public let kind: Kind
    public let description: String
    public let asset: String?
    public let resolves: EventID?

    init(_ r: inout FieldReader) throws(SchemaError) {
        lot = try r.lot("lot")
        kind = try r.parsed("kind", { Kind(rawValue: $0) }, expected: "one of " + Kind.allCases.map(\.rawValue).joined(separator: ", "))
        description = try r.string("description")
        asset = try r.optionalIdentifier("asset")
        resolves = try r.optionalEventID("resolves")
        if (kind == .resolution) != (resolves != nil) {
            throw SchemaError(path: r.childPath("resolves"), problem: "required exactly when kind is \"resolution\"")
        }
    }
}

/// `lot.cleanse`: a recorded cleansing of a container, vehicle or line; `sertu` is the ritual
/// cleansing after severe najis (seven washes, one with clay water, under supervision).
public struct LotCleanse: Sendable {
    public enum Method: String, CaseIterable, Sendable { case sertu, standard }

    public let asset: String
    public let method: Method
    public let washes: Int64?
    public let clay: Bool?
    public let supervisor: PartyID?

    init(_ r: inout FieldReader) throws(SchemaError) {
        asset = try r.identifier("asset")
        method = try r.parsed("method", { Method(rawValue: $0) }, expected: "sertu or standard")
        washes = try r.optionalInteger("washes", in: 1...100)
        clay = try r.optionalBool("clay")
        supervisor = try r.optionalParty("supervisor")
    }
}

/// `lot.recall`: the lot (and so everything made from it) is recalled.
public struct LotRecall: Sendable {
    public let lot: LotID
    public let reason: String

    init(_ r: inout FieldReader) throws(SchemaError) {
        lot = try r.lot("lot")
        reason = try r.string("reason")
    }
}
