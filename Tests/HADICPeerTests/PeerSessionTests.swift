import Foundation
import HADICCrypto
import HADICPeer
import NIOCore
import NIOExtras
import NIOPosix
import XCTest

/// The handshake over real sockets on 127.0.0.1: both proofs check before anything else passes;
/// a wrong ledger, an unknown node key, a message before the handshake and an oversized frame are
/// answered with an error naming the reason and the connection is closed, and the listener keeps
/// serving others. Every wait is bounded.
final class PeerSessionTests: XCTestCase {
    private let ledger = String(repeating: "4a", count: 32)
    private var group: MultiThreadedEventLoopGroup!

    override func setUp() { group = MultiThreadedEventLoopGroup(numberOfThreads: 2) }
    override func tearDown() { try? group.syncShutdownGracefully() }

    /// What arrived after the session (or the codec, for raw clients), readable from the test.
    final class Recorder: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = PeerMessage
        typealias OutboundOut = PeerMessage
        private let lock = NSLock()
        private var received: [PeerMessage] = []
        private var readyWith: PeerMessage.Hello?
        let answersPings: Bool

        init(answersPings: Bool = false) { self.answersPings = answersPings }

        var messages: [PeerMessage] { lock.withLock { received } }
        var peer: PeerMessage.Hello? { lock.withLock { readyWith } }
        func markReady(_ hello: PeerMessage.Hello) { lock.withLock { readyWith = hello } }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let m = unwrapInboundIn(data)
            lock.withLock { received.append(m) }
            if answersPings, case .ping(let n) = m { context.writeAndFlush(wrapOutboundOut(.pong(nonce: n)), promise: nil) }
        }

        func errorCaught(context: ChannelHandlerContext, error: Error) {}
    }

    private func hello(_ key: PrivateKey, ledger: String? = nil) -> PeerMessage.Hello {
        Self.hello(key, ledger: ledger ?? self.ledger)
    }

    private static func hello(_ key: PrivateKey, ledger: String) -> PeerMessage.Hello {
        PeerMessage.Hello(ledgerID: ledger, head: .init(height: 1, treeSize: 10, root: [UInt8](repeating: 1, count: 32)),
                          nodeKey: key.publicKey, nonce: PeerSession.nonce())
    }

    private func waitUntil(_ what: String, timeout: TimeInterval = 10, _ condition: () -> Bool) {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            guard Date() < deadline else { return XCTFail("timed out waiting for \(what)") }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }

    /// A listener whose every connection gets a fresh session and recorder.
    private func listen(key: PrivateKey, accepts: @escaping @Sendable (PublicKey) -> Bool) throws -> (Channel, () -> [Recorder]) {
        let lock = NSLock()
        nonisolated(unsafe) var recorders: [Recorder] = []
        let ledger = self.ledger
        let server = try ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let recorder = Recorder(answersPings: true)
                lock.withLock { recorders.append(recorder) }
                return channel.eventLoop.makeCompletedFuture {
                    // A fresh session, and nonce, for every connection.
                    let session = PeerSession(role: .listener, hello: Self.hello(key, ledger: ledger), key: key, accepts: { accepts($0.nodeKey) }, ready: { recorder.markReady($0) })
                    try channel.pipeline.syncOperations.addHandlers(PeerSession.handlers(session: session) + [recorder])
                }
            }
            .bind(host: "127.0.0.1", port: 0).wait()
        return (server, { lock.withLock { recorders } })
    }

    private func connect(to server: Channel, hello: PeerMessage.Hello, key: PrivateKey, accepts: @escaping @Sendable (PublicKey) -> Bool) throws -> (Channel, Recorder) {
        let recorder = Recorder()
        let channel = try ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let session = PeerSession(role: .dialer, hello: hello, key: key, accepts: { accepts($0.nodeKey) }, ready: { recorder.markReady($0) })
                    try channel.pipeline.syncOperations.addHandlers(PeerSession.handlers(session: session) + [recorder])
                }
            }
            .connect(host: "127.0.0.1", port: try XCTUnwrap(server.localAddress?.port)).wait()
        return (channel, recorder)
    }

    /// A client without a session: frames and the codec only, so the test writes what it likes.
    private func connectRaw(to server: Channel) throws -> (Channel, Recorder) {
        let recorder = Recorder()
        let channel = try ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([ByteToMessageHandler(PeerFrameDecoder()),
                                                                    LengthFieldPrepender(lengthFieldBitLength: .thirtyTwoBits),
                                                                    PeerMessageCodec(), recorder])
                }
            }
            .connect(host: "127.0.0.1", port: try XCTUnwrap(server.localAddress?.port)).wait()
        return (channel, recorder)
    }

    /// Waits (bounded) until the other side has closed `channel`.
    private func waitClosed(_ channel: Channel, _ what: String) {
        waitUntil(what) { !channel.isActive }
    }

    /// The server's hello, as a raw client received it.
    private func serverHello(_ r: Recorder) -> PeerMessage.Hello? {
        for m in r.messages { if case .hello(let h) = m { return h } }
        return nil
    }

    private func errorCode(_ r: Recorder) -> String? {
        for m in r.messages { if case .error(let e) = m { return e.code } }
        return nil
    }

    func testBothProofsCheckThenMessagesFlow() throws {
        let serverKey = try PrivateKey.generate(.ed25519), clientKey = try PrivateKey.generate(.ed25519)
        let clientPublic = clientKey.publicKey, serverPublic = serverKey.publicKey
        let (server, recorders) = try listen(key: serverKey, accepts: { $0 == clientPublic })
        let (client, recorder) = try connect(to: server, hello: hello(clientKey), key: clientKey, accepts: { $0 == serverPublic })
        waitUntil("both sides ready") { recorder.peer != nil && recorders().first?.peer != nil }
        XCTAssertEqual(recorder.peer?.nodeKey, serverPublic)
        XCTAssertEqual(recorders().first?.peer?.nodeKey, clientPublic)
        try client.writeAndFlush(PeerMessage.ping(nonce: 7)).wait()
        waitUntil("the pong") { recorder.messages.contains(.pong(nonce: 7)) }
        XCTAssertEqual(recorders().first?.messages, [.ping(nonce: 7)], "the handshake's own messages stay in the session")
        try client.close().wait()
        try server.close().wait()
    }

    func testAWrongLedgerAnUnknownKeyAForgedOrReflectedProofAreRefusedAndTheListenerKeepsServing() throws {
        let serverKey = try PrivateKey.generate(.ed25519), clientKey = try PrivateKey.generate(.ed25519), stranger = try PrivateKey.generate(.ed25519)
        let clientPublic = clientKey.publicKey, serverPublic = serverKey.publicKey
        // The server accepts the client, and (as a node accepts its ledger's nodes) its own key.
        let (server, _) = try listen(key: serverKey, accepts: { $0 == clientPublic || $0 == serverPublic })
        // Raw clients: the refusals checked are the server's (a client session of its own would refuse first).
        func refusedBy(_ what: String, _ send: (Channel, Recorder) throws -> Void) throws -> String? {
            let (channel, recorder) = try connectRaw(to: server)
            try send(channel, recorder)
            waitUntil("the \(what) error") { errorCode(recorder) != nil }
            waitClosed(channel, "the server to close after \(what)")
            return errorCode(recorder)
        }
        XCTAssertEqual(try refusedBy("wrong-ledger") { c, _ in
            try c.writeAndFlush(PeerMessage.hello(hello(clientKey, ledger: String(repeating: "00", count: 32)))).wait()
        }, "wrong-ledger")
        XCTAssertEqual(try refusedBy("unknown-node") { c, _ in try c.writeAndFlush(PeerMessage.hello(hello(stranger))).wait() }, "unknown-node")
        // A hello naming the client's key, with a proof signed by another key.
        XCTAssertEqual(try refusedBy("bad-auth") { c, r in
            let own = hello(clientKey)
            try c.writeAndFlush(PeerMessage.hello(own)).wait()
            waitUntil("the server's hello") { serverHello(r) != nil }
            let theirs = try XCTUnwrap(serverHello(r))
            try c.writeAndFlush(PeerMessage.auth(try PeerAuthentication.auth(role: .dialer, own: own, theirs: theirs, key: stranger))).wait()
        }, "bad-auth")
        // The server's own hello reflected back at it (to have it sign what it checks).
        XCTAssertEqual(try refusedBy("reflection") { c, r in
            waitUntil("the server's hello") { serverHello(r) != nil }
            try c.writeAndFlush(PeerMessage.hello(try XCTUnwrap(serverHello(r)))).wait()
        }, "unknown-node")
        // The listener still serves a good client.
        let (good, goodRecorder) = try connect(to: server, hello: hello(clientKey), key: clientKey, accepts: { _ in true })
        waitUntil("a good client still gets in") { goodRecorder.peer != nil }
        try good.close().wait()
        try server.close().wait()
    }

    func testAnythingBeforeTheHandshakeOrAnOversizedFrameIsAnsweredAndClosed() throws {
        let serverKey = try PrivateKey.generate(.ed25519)
        let (server, _) = try listen(key: serverKey, accepts: { _ in true })

        let (early, earlyRecorder) = try connectRaw(to: server)
        try early.writeAndFlush(PeerMessage.ping(nonce: 1)).wait()
        waitUntil("the unauthenticated error") { errorCode(earlyRecorder) != nil }
        XCTAssertEqual(errorCode(earlyRecorder), "unauthenticated")
        XCTAssertEqual(serverHello(earlyRecorder)?.nodeKey, serverKey.publicKey, "the server speaks first")
        waitClosed(early, "the server to close")

        // A raw frame header claiming 4 GiB: refused from the header alone.
        let (big, bigRecorder) = try connectRaw(to: server)
        var header = big.allocator.buffer(capacity: 4)
        header.writeInteger(UInt32.max)
        try big.writeRaw(header)
        waitUntil("the frame-too-large error") { errorCode(bigRecorder) != nil }
        XCTAssertEqual(errorCode(bigRecorder), "frame-too-large")
        waitClosed(big, "the server to close")

        // Before the handshake, even a frame far below 16 MiB is too large (64 KiB at most).
        let (unauthenticated, unauthenticatedRecorder) = try connectRaw(to: server)
        let padding = String(repeating: "x", count: 70_000)
        try unauthenticated.writeAndFlush(PeerMessage.error(.init(code: "x", message: padding))).wait()
        waitUntil("the pre-handshake frame limit") { errorCode(unauthenticatedRecorder) != nil }
        XCTAssertEqual(errorCode(unauthenticatedRecorder), "frame-too-large")
        waitClosed(unauthenticated, "the server to close")

        let clientKey = try PrivateKey.generate(.ed25519)
        let (good, goodRecorder) = try connect(to: server, hello: hello(clientKey), key: clientKey, accepts: { _ in true })
        waitUntil("the listener still serves") { goodRecorder.peer != nil }
        // After the handshake the 16 MiB limit applies: a 1 MB message passes.
        let large = (0..<200).map { _ in Array(String(repeating: "y", count: 5_000).utf8) }
        try good.writeAndFlush(PeerMessage.submit(large)).wait()
        try good.writeAndFlush(PeerMessage.ping(nonce: 9)).wait()
        waitUntil("the pong after the large message") { goodRecorder.messages.contains(.pong(nonce: 9)) }
        try good.close().wait()
        try server.close().wait()
    }
}

private extension Channel {
    /// Writes bytes straight to the socket, past the codec (as an attacker's client would).
    func writeRaw(_ bytes: ByteBuffer) throws {
        try eventLoop.submit {
            let first = try self.pipeline.syncOperations.context(handlerType: ByteToMessageHandler<PeerFrameDecoder>.self)
            first.writeAndFlush(NIOAny(bytes), promise: nil)
        }.wait()
    }
}
