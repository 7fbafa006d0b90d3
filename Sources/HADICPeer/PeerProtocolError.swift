import HADICCore

/// Why a frame or message from a peer was refused. A node answers with an `error` message
/// carrying ``code`` and closes the connection (docs/PROTOCOL.md, "Errors").
public enum PeerProtocolError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A frame's length field is above the limit (refused as soon as the four bytes arrive).
    case frameTooLarge(length: UInt32, limit: UInt32)
    /// A frame of length 0 (it would carry no message type).
    case emptyFrame
    /// The connection ended inside a frame.
    case truncatedFrame(have: Int, need: Int)
    case unknownMessageType(UInt8)
    /// The body is not a canonical JSON object, or a field is missing, of the wrong form or unknown.
    case malformedBody(type: String, reason: String)
    /// A hello of a protocol version this node does not speak.
    case unsupportedVersion(Int64)

    /// The `code` of the `error` message a node sends before closing.
    public var code: String {
        switch self {
        case .frameTooLarge: return "frame-too-large"
        case .emptyFrame, .truncatedFrame: return "malformed-frame"
        case .unknownMessageType: return "unknown-message-type"
        case .malformedBody: return "malformed-message"
        case .unsupportedVersion: return "unsupported-version"
        }
    }

    public var description: String {
        switch self {
        case .frameTooLarge(let length, let limit): return "frame of \(length) bytes is over the limit of \(limit)"
        case .emptyFrame: return "empty frame"
        case .truncatedFrame(let have, let need): return "connection ended inside a frame (\(have) of \(need) bytes)"
        case .unknownMessageType(let t): return "unknown message type 0x\(String(t, radix: 16))"
        case .malformedBody(let type, let reason): return "malformed \(type) message: \(reason)"
        case .unsupportedVersion(let v): return "protocol version \(v) is not supported (this node speaks \(PeerMessage.Hello.version))"
        }
    }

    static func body(_ type: PeerMessage.Kind, _ error: SchemaError) -> PeerProtocolError {
        .malformedBody(type: type.name, reason: error.description)
    }
}
