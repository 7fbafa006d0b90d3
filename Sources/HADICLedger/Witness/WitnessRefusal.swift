/// Why a witness would not cosign a checkpoint, with the HTTP status C2SP tlog-witness's
/// `add-checkpoint` gives that case.
///
/// Guarantees: every refusal names its rule and, where there is one, the sizes or roots
/// involved; `isForkEvidence` is true exactly when the checkpoint is signed by the log's key
/// and contradicts the one the witness holds (two signed, inconsistent views of one log).
public enum WitnessRefusal: Error, Equatable, Sendable, CustomStringConvertible {
    /// The request or the checkpoint does not parse, or the old size is past the new (400).
    case malformed(String)
    /// No log with this origin is configured (404).
    case unknownOrigin(String)
    /// The checkpoint carries no valid signature by the log's configured key (403).
    case notSignedByLog(String)
    /// The client's old size is not the size the witness holds (409; the body is `heldSize`).
    case oldSizeMismatch(heldSize: UInt64, claimed: UInt64)
    /// Same size as the one held, another root (409): a fork.
    case sameSizeOtherRoot(String)
    /// The consistency proof from the held checkpoint does not verify (422): a fork, or a bad proof.
    case inconsistent(String)

    /// The HTTP status of c2sp.org/tlog-witness for this refusal.
    public var httpStatus: Int {
        switch self {
        case .malformed: return 400
        case .unknownOrigin: return 404
        case .notSignedByLog: return 403
        case .oldSizeMismatch, .sameSizeOtherRoot: return 409
        case .inconsistent: return 422
        }
    }

    /// Short name of the rule, as `hadic witness add-checkpoint` prints it.
    public var rule: String {
        switch self {
        case .malformed: return "malformed"
        case .unknownOrigin: return "unknown-origin"
        case .notSignedByLog: return "not-signed-by-log"
        case .oldSizeMismatch: return "old-size-mismatch"
        case .sameSizeOtherRoot: return "same-size-other-root"
        case .inconsistent: return "inconsistent"
        }
    }

    public var isForkEvidence: Bool {
        switch self {
        case .sameSizeOtherRoot, .inconsistent: return true
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .malformed(let s), .unknownOrigin(let s), .notSignedByLog(let s), .sameSizeOtherRoot(let s), .inconsistent(let s):
            return s
        case .oldSizeMismatch(let held, let claimed):
            return "the request's old size is \(claimed) but the witness last cosigned size \(held) for this log; send a proof from \(held)"
        }
    }
}
