import HADICCore

/// Why an export was refused. Nothing is written when one is thrown.
public enum EPCISExportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The lot asked for is not in the ledger.
    case unknownLot(String)
    /// An event's amount has more significant digits than an EPCIS (I-JSON) number carries exactly.
    case inexactQuantity(event: String, amount: String)
    /// Two events imported from EPCIS bind one JSON-LD prefix to different IRIs, or bind the
    /// prefix HADIC's extension uses: the document can have only one `@context`.
    case conflictingNamespace(prefix: String, first: String, second: String)
    /// A stored event could not be read back (the ledger is damaged: run `hadic verify --full`).
    case unreadableEvent(index: UInt64, reason: String)
    /// The EPCIS event hash of an exported event could not be computed.
    case unhashable(event: String, reason: String)

    public var description: String {
        switch self {
        case .unknownLot(let lot): return "no lot \(lot) in this ledger"
        case .inexactQuantity(let event, let amount):
            return "event \(event): amount \(amount) has more significant digits than an EPCIS quantity (a JSON number) holds exactly"
        case .conflictingNamespace(let prefix, let first, let second):
            return "JSON-LD prefix \"\(prefix)\" is bound to both \(first) and \(second) by the exported events; one document cannot hold both"
        case .unreadableEvent(let index, let reason): return "event at leaf index \(index) does not read back: \(reason)"
        case .unhashable(let event, let reason): return "event \(event): no EPCIS event hash: \(reason)"
        }
    }
}
