import HADICCore
import HADICCrypto

/// One message of the peer protocol (docs/PROTOCOL.md): a type byte, then a body that is a
/// JSON object in its canonical form (RFC 8785), so that the bytes a node signs or hashes are
/// the bytes on the wire. Decoding is strict: unknown fields, missing fields and non-canonical
/// bodies are refused, naming the field.
public enum PeerMessage: Equatable, Sendable {
    case hello(Hello)
    case auth(Auth)
    case error(ErrorReport)
    case ping(nonce: UInt64)
    case pong(nonce: UInt64)
    /// Signed events (their leaf bytes) to admit.
    case submit([[UInt8]])
    /// One result per submitted event, in order.
    case receipts([SubmitResult])
    case getCheckpoint
    /// A signed checkpoint note, verbatim.
    case checkpoint(String)
    case getBlocks(from: UInt64, max: Int)
    case blocks([WireBlock])
    case announce(Head)

    /// The message types and their bytes on the wire.
    public enum Kind: UInt8, CaseIterable, Sendable {
        case hello = 0x01, auth = 0x02, error = 0x03, ping = 0x04, pong = 0x05
        case submit = 0x10, receipts = 0x11
        case getCheckpoint = 0x20, checkpoint = 0x21, getBlocks = 0x22, blocks = 0x23, announce = 0x24

        public var name: String {
            switch self {
            case .hello: return "hello"
            case .auth: return "auth"
            case .error: return "error"
            case .ping: return "ping"
            case .pong: return "pong"
            case .submit: return "submit"
            case .receipts: return "receipts"
            case .getCheckpoint: return "get-checkpoint"
            case .checkpoint: return "checkpoint"
            case .getBlocks: return "get-blocks"
            case .blocks: return "blocks"
            case .announce: return "announce"
            }
        }
    }

    /// A node's view of the ledger head.
    public struct Head: Equatable, Sendable {
        public let height: UInt64
        public let treeSize: UInt64
        public let root: [UInt8]
        public init(height: UInt64, treeSize: UInt64, root: [UInt8]) {
            self.height = height
            self.treeSize = treeSize
            self.root = root
        }
    }

    /// The first message each side sends.
    public struct Hello: Equatable, Sendable {
        public static let version: Int64 = 1
        public let ledgerID: String
        public let head: Head
        /// The key this node proves it holds (``Auth``).
        public let nodeKey: PublicKey
        /// 32 random bytes the other side signs over.
        public let nonce: [UInt8]
        public init(ledgerID: String, head: Head, nodeKey: PublicKey, nonce: [UInt8]) {
            self.ledgerID = ledgerID
            self.head = head
            self.nodeKey = nodeKey
            self.nonce = nonce
        }
    }

    /// The proof that the sender holds the key of its hello (``PeerAuthentication``).
    public struct Auth: Equatable, Sendable {
        public let signature: [UInt8]
        public init(signature: [UInt8]) { self.signature = signature }
    }

    /// Sent before a node closes a connection: a stable code and a message for people.
    public struct ErrorReport: Equatable, Sendable {
        public let code: String
        public let message: String
        public init(code: String, message: String) {
            self.code = code
            self.message = message
        }
    }

    /// What became of one submitted event: its receipt, or the admission rule that refused it.
    public enum SubmitResult: Equatable, Sendable {
        case admitted(eventID: EventID, leafIndex: UInt64, blockHeight: UInt64)
        case refused(rule: String, message: String)
    }

    /// A block as replicas receive it: the header's canonical bytes, its signature, the signed
    /// checkpoint, and its events' leaf bytes in ledger order.
    public struct WireBlock: Equatable, Sendable {
        public let header: [UInt8]
        public let signature: [UInt8]
        public let checkpoint: String
        public let events: [[UInt8]]
        public init(header: [UInt8], signature: [UInt8], checkpoint: String, events: [[UInt8]]) {
            self.header = header
            self.signature = signature
            self.checkpoint = checkpoint
            self.events = events
        }
    }

    public var kind: Kind {
        switch self {
        case .hello: return .hello
        case .auth: return .auth
        case .error: return .error
        case .ping: return .ping
        case .pong: return .pong
        case .submit: return .submit
        case .receipts: return .receipts
        case .getCheckpoint: return .getCheckpoint
        case .checkpoint: return .checkpoint
        case .getBlocks: return .getBlocks
        case .blocks: return .blocks
        case .announce: return .announce
        }
    }
}
