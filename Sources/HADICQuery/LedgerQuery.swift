import HADICCore

/// A question about the ledger that a node can answer for a client (`hadic trace`, `hadic
/// assess` with `--node`): the same question the command asks of a data directory, as JSON on
/// the wire (docs/PROTOCOL.md, `query`).
public enum LedgerQuery: Equatable, Sendable {
    public enum Format: String, Sendable { case text, json, dot }

    case traceBack(lot: LotID, format: Format)
    case traceForward(lot: LotID, format: Format)
    case assess(lot: LotID, market: String, at: Timestamp?, json: Bool, verifySignatures: Bool)
    case history(lot: LotID, json: Bool)
    case custody(lot: LotID, json: Bool)
    /// A lot's mass balance, or what a party holds.
    case balance(subject: String, json: Bool)
    case certs(holder: PartyID?, at: Timestamp?, json: Bool)
    /// One event, by id (64 lowercase hex digits) or by EPCIS event hash URI; always JSON.
    case event(id: String)

    /// `{"kind":"trace-back"|"trace-forward","lot":LOT,"format":"text"|"json"|"dot"}` or
    /// `{"at":TIME,"format":"text"|"json","kind":"assess","lot":LOT,"market":M,"verify_signatures":BOOL}`
    /// (`at` optional: the node's now); `{"format":"text"|"json","kind":"history"|"custody","lot":LOT}`;
    /// `{"format":..,"kind":"balance","subject":LOT_OR_PARTY}`; `{"at":TIME,"format":..,"holder":PARTY,"kind":"certs"}`
    /// (`at`, `holder` optional); `{"format":"json","id":ID_OR_EPCIS_HASH,"kind":"event"}`.
    public var json: JSONValue {
        switch self {
        case .traceBack(let lot, let format):
            return .object(["kind": "trace-back", "lot": .string(lot.rawValue), "format": .string(format.rawValue)])
        case .traceForward(let lot, let format):
            return .object(["kind": "trace-forward", "lot": .string(lot.rawValue), "format": .string(format.rawValue)])
        case .assess(let lot, let market, let at, let json, let verify):
            var o: [String: JSONValue] = ["kind": "assess", "lot": .string(lot.rawValue), "market": .string(market),
                                          "format": json ? "json" : "text", "verify_signatures": .bool(verify)]
            if let at { o["at"] = .string(at.text) }
            return .object(o)
        case .history(let lot, let json):
            return .object(["kind": "history", "lot": .string(lot.rawValue), "format": json ? "json" : "text"])
        case .custody(let lot, let json):
            return .object(["kind": "custody", "lot": .string(lot.rawValue), "format": json ? "json" : "text"])
        case .balance(let subject, let json):
            return .object(["kind": "balance", "subject": .string(subject), "format": json ? "json" : "text"])
        case .certs(let holder, let at, let json):
            var o: [String: JSONValue] = ["kind": "certs", "format": json ? "json" : "text"]
            if let holder { o["holder"] = .string(holder.rawValue) }
            if let at { o["at"] = .string(at.text) }
            return .object(o)
        case .event(let id):
            return .object(["kind": "event", "id": .string(id), "format": "json"])
        }
    }

    /// Reads a query, naming the field that is wrong.
    public init(json value: JSONValue) throws(SchemaError) {
        var r = try FieldReader(value, path: "query")
        let kind = try r.string("kind")
        let format = try r.parsed("format", Format.init(rawValue:), expected: "text, json or dot")
        guard format != .dot || kind.hasPrefix("trace-") else { throw SchemaError(path: "query.format", problem: "only a trace has a dot form") }
        switch kind {
        case "trace-back": self = .traceBack(lot: try r.parsed("lot", LotID.init, expected: "a lot id"), format: format)
        case "trace-forward": self = .traceForward(lot: try r.parsed("lot", LotID.init, expected: "a lot id"), format: format)
        case "assess":
            let lot = try r.parsed("lot", LotID.init, expected: "a lot id")
            let market = try r.string("market")
            let at = try r.optionalParsed("at", Timestamp.init, expected: "an RFC 3339 UTC time")
            let verify = try r.optionalBool("verify_signatures") ?? false
            self = .assess(lot: lot, market: market, at: at, json: format == .json, verifySignatures: verify)
        case "history": self = .history(lot: try r.parsed("lot", LotID.init, expected: "a lot id"), json: format == .json)
        case "custody": self = .custody(lot: try r.parsed("lot", LotID.init, expected: "a lot id"), json: format == .json)
        case "balance": self = .balance(subject: try r.string("subject"), json: format == .json)
        case "certs":
            self = .certs(holder: try r.optionalParsed("holder", PartyID.init, expected: "a party id"),
                          at: try r.optionalParsed("at", Timestamp.init, expected: "an RFC 3339 UTC time"), json: format == .json)
        case "event":
            guard format == .json else { throw SchemaError(path: "query.format", problem: "an event is printed as json") }
            let id = try r.string("id", maxLength: 256)
            guard EventID(hex: id) != nil || EPCISHashURI(id) != nil else {
                throw SchemaError(path: "query.id", problem: "expected an event id (64 lowercase hex digits) or an EPCIS event hash URI")
            }
            self = .event(id: id)
        default:
            throw SchemaError(path: "query.kind", problem: "expected trace-back, trace-forward, assess, history, custody, balance, certs or event, got \(kind)")
        }
        try r.finish()
    }
}

/// What a query printed and the exit status the command gives it (for `assess`: 0 supported,
/// 1 not supported).
public struct QueryAnswer: Equatable, Sendable {
    public let output: String
    public let status: Int32
    public init(output: String, status: Int32) {
        self.output = output
        self.status = status
    }
}
