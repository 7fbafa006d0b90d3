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
    /// A signed checkpoint note, verbatim, and the witness cosignature lines the node keeps for
    /// it (docs/WITNESS.md; empty if none). They are not checked by the node's peers: a reader
    /// checks those of the witnesses it trusts.
    case checkpoint(String, cosignatures: String)
    case getBlocks(from: UInt64, max: Int)
    case blocks([WireBlock])
    case announce(Head)
    case getProof(ProofRequest)
    case proof(ProofAnswer)
    case getStatus
    case status(NodeStatus)
    /// A question about the ledger (HADICQuery's `LedgerQuery`, as its JSON object).
    case query(JSONValue)
    /// What the query printed, and the exit status the command gives it.
    case answer(output: String, status: Int)

    /// The message types and their bytes on the wire.
    public enum Kind: UInt8, CaseIterable, Sendable {
        case hello = 0x01, auth = 0x02, error = 0x03, ping = 0x04, pong = 0x05
        case submit = 0x10, receipts = 0x11
        case getCheckpoint = 0x20, checkpoint = 0x21, getBlocks = 0x22, blocks = 0x23, announce = 0x24
        case getProof = 0x25, proof = 0x26
        case getStatus = 0x30, status = 0x31, query = 0x32, answer = 0x33

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
            case .getProof: return "get-proof"
            case .proof: return "proof"
            case .getStatus: return "get-status"
            case .status: return "status"
            case .query: return "query"
            case .answer: return "answer"
            }
        }
    }

    /// Whether a hello comes from a node (a sequencer or replica, whose key the ledger must
    /// know) or a client (the CLI, whose key is its own business: it may only submit and read).
    public enum PeerKind: String, Sendable {
        case node, client
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
        public let kind: PeerKind
        public let ledgerID: String
        public let head: Head
        /// The key this node proves it holds (``Auth``).
        public let nodeKey: PublicKey
        /// 32 random bytes the other side signs over.
        public let nonce: [UInt8]
        public init(kind: PeerKind = .node, ledgerID: String, head: Head, nodeKey: PublicKey, nonce: [UInt8]) {
            self.kind = kind
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
        /// The codes that answer one request and leave the connection open; every other
        /// error is followed by a close.
        public static let requestCodes: Set<String> = ["not-found", "bad-request"]
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

    /// A proof asked of a node: an event's inclusion in the tree of `treeSize` leaves (the
    /// head's when nil), or the consistency of two tree sizes (to the head's when nil).
    public enum ProofRequest: Equatable, Sendable {
        case inclusion(eventID: EventID, treeSize: UInt64?)
        case consistency(from: UInt64, to: UInt64?)
    }

    /// A proof and the signed checkpoint of the tree it proves against; `leafIndex` for inclusion.
    public struct ProofAnswer: Equatable, Sendable {
        public let leafIndex: UInt64?
        public let hashes: [[UInt8]]
        public let checkpoint: String
        public init(leafIndex: UInt64?, hashes: [[UInt8]], checkpoint: String) {
            self.leafIndex = leafIndex
            self.hashes = hashes
            self.checkpoint = checkpoint
        }
    }

    /// What a node says of itself: its role, its head, whom it follows, and whether it has seen
    /// two histories (`forks` counts the pieces of evidence it keeps).
    public struct NodeStatus: Equatable, Sendable {
        public let role: String
        public let head: Head
        public let checkpoint: String
        public let upstream: [String]
        public let forks: UInt64
        public let state: String
        public init(role: String, head: Head, checkpoint: String, upstream: [String], forks: UInt64, state: String) {
            self.role = role
            self.head = head
            self.checkpoint = checkpoint
            self.upstream = upstream
            self.forks = forks
            self.state = state
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
        case .getProof: return .getProof
        case .proof: return .proof
        case .getStatus: return .getStatus
        case .status: return .status
        case .query: return .query
        case .answer: return .answer
        }
    }
}
