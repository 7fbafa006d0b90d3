/// Failures of the block log itself (as opposed to a refused event, an ``AdmissionError``).
public enum LedgerError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidGenesis(String)
    case malformedHeader(String)
    case malformedCheckpoint(String)
    case badSignature(String)
    case notInitialized(String)
    case alreadyInitialized(String)
    case wrongSequencerKey(String)
    /// The stored ledger contradicts itself; the sequencer stops rather than sign over it.
    case corrupt(String)
    case storage(String)
    /// A Merkle proof file (a C2SP tlog-proof) that does not parse.
    case malformedProof(String)

    public var description: String {
        switch self {
        case .invalidGenesis(let s): return "invalid genesis: \(s)"
        case .malformedHeader(let s): return "malformed block header: \(s)"
        case .malformedCheckpoint(let s): return "malformed checkpoint: \(s)"
        case .malformedProof(let s): return "malformed proof: \(s)"
        case .badSignature(let s): return "bad signature: \(s)"
        case .notInitialized(let s): return "no ledger: \(s)"
        case .alreadyInitialized(let s): return "already initialized: \(s)"
        case .wrongSequencerKey(let s): return "wrong sequencer key: \(s)"
        case .corrupt(let s): return "ledger is corrupt: \(s)"
        case .storage(let s): return "storage: \(s)"
        }
    }
}
