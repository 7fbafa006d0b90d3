import HADICCore
import HADICCrypto
import NIOCore
import NIOExtras

/// One side of a peer connection: sends its hello, checks the other's (same ledger, a node key
/// it accepts) and answers with its proof of key, checks the other's proof, and only then passes
/// messages on to the handler after it. Anything else before that, and any frame or message the
/// codec refuses, is answered with an `error` naming the reason and the connection is closed
/// (docs/PROTOCOL.md, "Handshake" and "Errors").
public final class PeerSession: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = PeerMessage
    public typealias InboundOut = PeerMessage
    public typealias OutboundOut = PeerMessage

    /// Why a session was refused by this side (sent as the `error` code).
    public enum Refusal: String, Sendable {
        case wrongLedger = "wrong-ledger"
        case unknownNode = "unknown-node"
        case badAuth = "bad-auth"
        case unauthenticated = "unauthenticated"
        case unexpectedMessage = "unexpected-message"
        case `internal` = "internal"
    }

    /// Largest frame accepted before both proofs check (a hello or an auth is a few hundred
    /// bytes): an unauthenticated peer cannot make a node buffer and parse 16 MiB.
    public static let handshakeFrameLimit: UInt32 = 64 << 10

    private enum State {
        case awaitingHello
        case awaitingAuth(PeerMessage.Hello)
        case ready(PeerMessage.Hello)
        case closed
    }

    /// This side's hello; for a side that answers (a client learning the ledger id), made from the other's.
    private var own: PeerMessage.Hello?
    private let answer: (@Sendable (PeerMessage.Hello) -> PeerMessage.Hello)?
    private let role: PeerAuthentication.Role
    private let key: PrivateKey
    /// The frame limit, raised once the handshake completes (shared with this connection's decoder).
    let frameLimit = FrameLimit(PeerSession.handshakeFrameLimit)
    private var helloSent = false
    private let accepts: @Sendable (PeerMessage.Hello) -> Bool
    private let ready: @Sendable (PeerMessage.Hello) -> Void
    private var state = State.awaitingHello

    /// - Parameters:
    ///   - role: whether this side dialed the connection or accepted it.
    ///   - hello: what this side says of itself (its key must be `key`'s, its nonce fresh).
    ///   - accepts: whether the other side may connect, from its hello: a node accepts node hellos whose key its ledger
    ///     knows as a node's, and client hellos with any key; a client accepts a node hello (with the key it pinned).
    ///   - ready: called once both proofs check, with the other side's hello.
    public init(role: PeerAuthentication.Role, hello: PeerMessage.Hello, key: PrivateKey, accepts: @escaping @Sendable (PeerMessage.Hello) -> Bool,
                ready: @escaping @Sendable (PeerMessage.Hello) -> Void = { _ in }) {
        self.role = role
        own = hello
        answer = nil
        self.key = key
        self.accepts = accepts
        self.ready = ready
    }

    /// A side that sends its hello only after the other's, made from it: a client that does not
    /// know the ledger id yet takes the node's (and checks it afterwards if it has one to expect).
    public init(role: PeerAuthentication.Role, answering answer: @escaping @Sendable (PeerMessage.Hello) -> PeerMessage.Hello, key: PrivateKey,
                accepts: @escaping @Sendable (PeerMessage.Hello) -> Bool, ready: @escaping @Sendable (PeerMessage.Hello) -> Void = { _ in }) {
        self.role = role
        own = nil
        self.answer = answer
        self.key = key
        self.accepts = accepts
        self.ready = ready
    }

    /// A fresh 32-byte nonce for a hello.
    public static func nonce() -> [UInt8] { (0..<32).map { _ in UInt8.random(in: 0...255) } }

    /// The handlers of one connection, in order: framing (limited as the session says), the
    /// message codec, this session.
    public static func handlers(session: PeerSession) -> [ChannelHandler] {
        [ByteToMessageHandler(PeerFrameDecoder(limit: session.frameLimit)), LengthFieldPrepender(lengthFieldBitLength: .thirtyTwoBits),
         PeerMessageCodec(), session]
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        // Added to a connection that is already up: it will see no channelActive.
        if context.channel.isActive { sendHello(context) }
    }

    public func channelActive(context: ChannelHandlerContext) {
        sendHello(context)
        context.fireChannelActive()
    }

    private func sendHello(_ context: ChannelHandlerContext) {
        guard !helloSent, let own else { return }
        helloSent = true
        context.writeAndFlush(wrapOutboundOut(.hello(own)), promise: nil)
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        switch (state, message) {
        case (.awaitingHello, .hello(let theirs)):
            if own == nil, let answer {
                own = answer(theirs)
                sendHello(context)
            }
            guard let own else { return refuse(context, .internal, "no hello of its own to answer with") }
            guard theirs.ledgerID == own.ledgerID else {
                return refuse(context, .wrongLedger, "this node serves ledger \(own.ledgerID), not \(theirs.ledgerID)")
            }
            // A node talking to itself, or its own hello reflected back: never a peer.
            guard theirs.nodeKey != own.nodeKey, theirs.nonce != own.nonce else {
                return refuse(context, .unknownNode, "the hello names this side's own key or nonce")
            }
            guard accepts(theirs) else {
                return refuse(context, .unknownNode, theirs.kind == .node
                    ? "key \(theirs.nodeKey.keyID.prefix(16))… is not a node of this ledger"
                    : "this side talks to nodes only, not to a \(theirs.kind.rawValue)")
            }
            do {
                context.writeAndFlush(wrapOutboundOut(.auth(try PeerAuthentication.auth(role: role, own: own, theirs: theirs, key: key))), promise: nil)
            } catch {
                return refuse(context, .internal, "cannot sign: \(error)")
            }
            state = .awaitingAuth(theirs)
        case (.awaitingAuth(let theirs), .auth(let auth)):
            guard let own, PeerAuthentication.verify(auth, role: role, own: own, theirs: theirs) else {
                return refuse(context, .badAuth, "the signature does not prove key \(theirs.nodeKey.keyID.prefix(16))… for this connection")
            }
            state = .ready(theirs)
            frameLimit.value = PeerFrameDecoder.defaultLimit
            ready(theirs)
        case (.ready, .hello), (.ready, .auth):
            refuse(context, .unexpectedMessage, "\(message.kind.name) after the handshake completed")
        case (.ready, _):
            context.fireChannelRead(data)
        case (.closed, _):
            break
        case (_, .error(let report)):
            // The other side refused us: nothing to answer.
            state = .closed
            context.fireChannelRead(wrapInboundOut(.error(report)))
            context.close(promise: nil)
        default:
            refuse(context, .unauthenticated, "\(message.kind.name) before the handshake completed")
        }
    }

    public func errorCaught(context: ChannelHandlerContext, error: Error) {
        if case .closed = state { return }
        state = .closed
        context.channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in }
        let report = (error as? PeerProtocolError).map { PeerMessage.ErrorReport(code: $0.code, message: $0.description) }
            ?? PeerMessage.ErrorReport(code: "internal", message: "\(error)")
        context.fireErrorCaught(error)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.error(report))).whenComplete { _ in channel.close(promise: nil) }
    }

    private func refuse(_ context: ChannelHandlerContext, _ why: Refusal, _ message: String) {
        state = .closed
        // Read nothing more from a connection being closed.
        context.channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in }
        // The handlers after this one (a node's, which logs it; a dialer's, which reports it)
        // learn why before the close, which may complete at once.
        context.fireErrorCaught(Refused(code: why.rawValue, message: message))
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.error(.init(code: why.rawValue, message: message)))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    /// A connection this side refused, passed down the pipeline for logging.
    public struct Refused: Error, CustomStringConvertible {
        public let code: String
        public let message: String
        public var description: String { "refused (\(code)): \(message)" }
    }
}
