/// Why a request to a peer got no answer.
public enum PeerClientError: Error, Equatable, Sendable, CustomStringConvertible {
    case connectFailed(address: String, reason: String)
    /// The other side sent `error` (docs/PROTOCOL.md, "Errors") and closed.
    case refused(code: String, message: String)
    /// The connection closed before the answer came.
    case closed
    case timedOut(String)
    /// An answer of the wrong type for the request.
    case unexpectedAnswer(expected: String, got: String)

    public var description: String {
        switch self {
        case .connectFailed(let address, let reason): return "cannot connect to \(address): \(reason)"
        case .refused(let code, let message): return "the node refused (\(code)): \(message)"
        case .closed: return "the connection closed before the answer came"
        case .timedOut(let what): return "timed out waiting for \(what)"
        case .unexpectedAnswer(let expected, let got): return "expected \(expected), got \(got)"
        }
    }
}
