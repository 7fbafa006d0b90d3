import HADICCore

/// A question about the ledger that a node can answer for a client (`hadic trace`, `hadic
/// assess` with `--node`): the same question the command asks of a data directory, as JSON on
/// the wire (docs/PROTOCOL.md, `query`).
public enum LedgerQuery: Equatable, Sendable {
    public enum Format: String, Sendable { case text, json, dot }

    case traceBack(lot: LotID, format: Format)
    case traceForward(lot: LotID, format: Format)
    case assess(lot: LotID, market: String, at: Timestamp?, json: Bool, verifySignatures: Bool)

    /// `{"kind":"trace-back"|"trace-forward","lot":LOT,"format":"text"|"json"|"dot"}` or
    /// `{"at":TIME,"format":"text"|"json","kind":"assess","lot":LOT,"market":M,"verify_signatures":BOOL}`
    /// (`at` optional: the node's now).
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
        }
    }

    /// Reads a query, naming the field that is wrong.
    public init(json value: JSONValue) throws(SchemaError) {
        var r = try FieldReader(value, path: "query")
        let kind = try r.string("kind")
        let lot = try r.parsed("lot", LotID.init, expected: "a lot id")
        let format = try r.parsed("format", Format.init(rawValue:), expected: "text, json or dot")
        switch kind {
        case "trace-back": self = .traceBack(lot: lot, format: format)
        case "trace-forward": self = .traceForward(lot: lot, format: format)
        case "assess":
            let market = try r.string("market")
            let at = try r.optionalParsed("at", Timestamp.init, expected: "an RFC 3339 UTC time")
            let verify = try r.optionalBool("verify_signatures") ?? false
            guard format != .dot else { throw SchemaError(path: "query.format", problem: "an assessment is text or json") }
            self = .assess(lot: lot, market: market, at: at, json: format == .json, verifySignatures: verify)
        default:
            throw SchemaError(path: "query.kind", problem: "expected trace-back, trace-forward or assess, got \(kind)")
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
