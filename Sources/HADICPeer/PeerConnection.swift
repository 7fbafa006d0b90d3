import HADICCrypto
import HADICLedger
import NIOCore
import NIOPosix

/// A connection this side dialed, usable once both proofs of key have checked: each request is
/// answered in order (the protocol answers requests in the order they came), and `announce`
/// messages, which answer nothing, go to a callback.
public final class PeerConnection: Sendable {
    public let channel: Channel
    /// The other side's hello (its ledger id, head and key).
    public let peer: PeerMessage.Hello
    public let address: String
    private let matcher: ResponseMatcher

    private init(channel: Channel, peer: PeerMessage.Hello, address: String, matcher: ResponseMatcher) {
        self.channel = channel
        self.peer = peer
        self.address = address
        self.matcher = matcher
    }

    /// How this side introduces itself: a fixed hello (a node), or one answering the other's
    /// (a client learning the ledger id).
    public enum Introduction: Sendable {
        case hello(PeerMessage.Hello)
        case answering(@Sendable (PeerMessage.Hello) -> PeerMessage.Hello)
    }

    /// Dials `host:port`, runs the handshake, and succeeds once both proofs check.
    public static func connect(host: String, port: Int, group: EventLoopGroup, introduction: Introduction, key: PrivateKey,
                               accepts: @escaping @Sendable (PeerMessage.Hello) -> Bool, timeout: TimeAmount = .seconds(10),
                               onAnnounce: @escaping @Sendable (PeerMessage.Head) -> Void = { _ in }) -> EventLoopFuture<PeerConnection> {
        let address = "\(host):\(port)"
        let loop = group.next()
        let ready = loop.makePromise(of: PeerMessage.Hello.self)
        let matcher = ResponseMatcher(ready: ready, onAnnounce: onAnnounce)
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(timeout)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                let session: PeerSession
                switch introduction {
                case .hello(let hello):
                    session = PeerSession(role: .dialer, hello: hello, key: key, accepts: accepts, ready: { ready.succeed($0) })
                case .answering(let answer):
                    session = PeerSession(role: .dialer, answering: answer, key: key, accepts: accepts, ready: { ready.succeed($0) })
                }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(PeerSession.handlers(session: session) + [matcher])
                }
            }
        return bootstrap.connect(host: host, port: port)
            .flatMapErrorThrowing { error in
                let failure = PeerClientError.connectFailed(address: address, reason: "\(error)")
                ready.fail(failure)  // never left pending
                throw failure
            }
            .flatMap { channel in
                let timer = loop.scheduleTask(in: timeout) {
                    ready.fail(PeerClientError.timedOut("the handshake with \(address)"))
                    channel.close(promise: nil)
                }
                ready.futureResult.whenComplete { _ in timer.cancel() }
                return ready.futureResult.map { hello in
                    PeerConnection(channel: channel, peer: hello, address: address, matcher: matcher)
                }
            }
    }

    /// Dials a node as a client: with a key made for this connection only (a client proves
    /// nothing but that it holds it; its events carry their own signatures), answering the
    /// node's hello with one for the same ledger, and accepting any node's hello.
    public static func connectAsClient(host: String, port: Int, group: EventLoopGroup,
                                       timeout: TimeAmount = .seconds(10)) throws -> EventLoopFuture<PeerConnection> {
        let key = try PrivateKey.generate(.ed25519)
        return connect(host: host, port: port, group: group, introduction: .answering { theirs in
            PeerMessage.Hello(kind: .client, ledgerID: theirs.ledgerID, head: .init(height: 0, treeSize: 0, root: MerkleHash.emptyRoot),
                              nodeKey: key.publicKey, nonce: PeerSession.nonce())
        }, key: key, accepts: { $0.kind == .node }, timeout: timeout)
    }

    /// Sends `message` and waits for the answer; a request left unanswered for `timeout` closes
    /// the connection (later answers could no longer be matched).
    public func request(_ message: PeerMessage, timeout: TimeAmount = .seconds(30)) -> EventLoopFuture<PeerMessage> {
        let loop = channel.eventLoop
        let promise = loop.makePromise(of: PeerMessage.self)
        loop.execute { [channel, matcher, address] in
            matcher.enqueue(promise)
            channel.writeAndFlush(message).whenFailure { promise.fail($0) }
            let timer = loop.scheduleTask(in: timeout) {
                promise.fail(PeerClientError.timedOut("the answer to \(message.kind.name) from \(address)"))
                channel.close(promise: nil)
            }
            promise.futureResult.whenComplete { _ in timer.cancel() }
        }
        return promise.futureResult
    }

    /// Sends a message that has no answer (an `announce`).
    public func send(_ message: PeerMessage) { channel.writeAndFlush(message, promise: nil) }

    public var closeFuture: EventLoopFuture<Void> { channel.closeFuture }

    public func close() { channel.close(promise: nil) }
}

/// Matches answers to requests in order, on the connection's event loop.
final class ResponseMatcher: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = PeerMessage

    private let ready: EventLoopPromise<PeerMessage.Hello>
    private let onAnnounce: @Sendable (PeerMessage.Head) -> Void
    private var pending: [EventLoopPromise<PeerMessage>] = []
    private var failure: PeerClientError?

    init(ready: EventLoopPromise<PeerMessage.Hello>, onAnnounce: @escaping @Sendable (PeerMessage.Head) -> Void) {
        self.ready = ready
        self.onAnnounce = onAnnounce
    }

    func enqueue(_ promise: EventLoopPromise<PeerMessage>) {
        if let failure { return promise.fail(failure) }
        pending.append(promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .announce(let head):
            onAnnounce(head)
        case .error(let report) where PeerMessage.ErrorReport.requestCodes.contains(report.code) && !pending.isEmpty:
            // One request's answer: it failed; the connection goes on.
            pending.removeFirst().fail(PeerClientError.refused(code: report.code, message: report.message))
        case .error(let report):
            failAll(.refused(code: report.code, message: report.message))
        case .ping(let nonce):
            // Either side may ping; a ping answers nothing.
            context.writeAndFlush(NIOAny(PeerMessage.pong(nonce: nonce)), promise: nil)
        case let answer:
            guard !pending.isEmpty else { return }
            pending.removeFirst().succeed(answer)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(.closed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if let refused = error as? PeerSession.Refused { return failAll(.refused(code: refused.code, message: refused.message)) }
        if let protocolError = error as? PeerProtocolError { return failAll(.refused(code: protocolError.code, message: protocolError.description)) }
        failAll((error as? PeerClientError) ?? .refused(code: "local", message: "\(error)"))
    }

    private func failAll(_ error: PeerClientError) {
        if failure == nil { failure = error }
        ready.fail(failure ?? error)
        let waiting = pending
        pending = []
        for p in waiting { p.fail(failure ?? error) }
    }
}
