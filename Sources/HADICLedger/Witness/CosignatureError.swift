/// A witness key, cosignature line or quorum that is not what `cosignature/v1` requires; the
/// text names what failed.
public enum CosignatureError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A key, key text or line that does not have the form of the format.
    case malformed(String)
    /// Fewer valid cosignatures from the trusted witnesses than the quorum asks.
    case quorumNotMet(String)

    public var description: String {
        switch self {
        case .malformed(let s): return "malformed cosignature: \(s)"
        case .quorumNotMet(let s): return "witness quorum not met: \(s)"
        }
    }
}
