import Dispatch
import Foundation
import HADICLedger
import NIOCore
import NIOHTTP1
import NIOPosix

/// C2SP tlog-witness over HTTP/1.1: `POST /add-checkpoint` answered by a ``WitnessService``.
/// Transport only: the body is handed to the service as `hadic witness add-checkpoint` would be.
///
/// Guarantees: a body larger than ``AddCheckpointRequest/maxBytes`` is refused with 413 before
/// it is read whole; requests are answered one at a time on one serial queue (and under the
/// state directory's lock, which a command run on the same directory also takes), off the event
/// loop; every refusal is the spec's status with a text body naming the rule, and 409
/// `old-size-mismatch` carries the held size as `text/x.tlog.size`.
public final class WitnessHTTPServer: @unchecked Sendable {
    let service: WitnessService
    let log: @Sendable (String) -> Void
    let group: MultiThreadedEventLoopGroup
    private let queue = DispatchQueue(label: "hadic-witness-requests")
    private var channel: Channel?

    public init(service: WitnessService, log: @escaping @Sendable (String) -> Void) {
        self.service = service
        self.log = log
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    /// Binds and starts accepting; returns the port bound (useful when 0 was asked).
    public func start(host: String, port: Int) throws -> Int {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] channel in
                channel.pipeline.configureHTTPServerPipeline(withErrorHandling: true).flatMap {
                    channel.pipeline.addHandler(WitnessHTTPHandler(server: self))
                }
            }
        let channel = try bootstrap.bind(host: host, port: port).wait()
        self.channel = channel
        return channel.localAddress?.port ?? port
    }

    /// Blocks until the listening channel is closed.
    public func wait() throws {
        try channel?.closeFuture.wait()
    }

    /// Answers one body: status, content type, response body.
    func answer(_ body: [UInt8], done: @escaping @Sendable (HTTPResponseStatus, String, String) -> Void) {
        queue.async { [service, log] in
            let now = UInt64(max(0, Date().timeIntervalSince1970))
            do {
                let line = try service.addCheckpoint(body, now: now, fork: { log($0) })
                done(.ok, "text/plain; charset=utf-8", line.line)
            } catch let refusal as WitnessRefusal {
                log("refused (\(refusal.httpStatus) \(refusal.rule)): \(refusal)")
                if case .oldSizeMismatch(let held, _) = refusal {
                    done(.conflict, "text/x.tlog.size", "\(held)\n")
                } else {
                    done(HTTPResponseStatus(statusCode: refusal.httpStatus), "text/plain; charset=utf-8", "\(refusal.rule): \(refusal)\n")
                }
            } catch {
                log("error: \(error)")
                done(.internalServerError, "text/plain; charset=utf-8", "internal: \(error)\n")
            }
        }
    }
}

/// One connection's requests: collects a bounded body and writes the witness's answer.
final class WitnessHTTPHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let server: WitnessHTTPServer
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    /// Set once a 413 is sent: the rest of the connection's bytes are dropped and it is closed.
    private var refused = false

    init(server: WitnessHTTPServer) { self.server = server }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            body = []
            // A declared length over the bound is refused before any of the body is read.
            if let declared = h.headers["content-length"].first.flatMap(Int.init), declared > AddCheckpointRequest.maxBytes {
                refuseTooLarge(context: context)
            }
        case .body(var buffer):
            // A chunked body that grows past the bound is refused as soon as it does.
            if body.count + buffer.readableBytes > AddCheckpointRequest.maxBytes {
                refuseTooLarge(context: context)
            } else if let bytes = buffer.readBytes(length: buffer.readableBytes) {
                body += bytes
            }
        case .end:
            guard let head else { return }
            self.head = nil
            let keepAlive = head.isKeepAlive
            let loop = context.eventLoop
            let ctx = NIOLoopBound(context, eventLoop: loop)
            let respond: @Sendable (HTTPResponseStatus, String, String) -> Void = { [self] status, type, text in
                loop.execute { self.write(context: ctx.value, status: status, type: type, text: text, keepAlive: keepAlive) }
            }
            let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
            if path != "/add-checkpoint" {
                respond(.notFound, "text/plain; charset=utf-8", "not found: this witness answers POST /add-checkpoint\n")
            } else if head.method != .POST {
                respond(.methodNotAllowed, "text/plain; charset=utf-8", "method not allowed: POST /add-checkpoint\n")
            } else {
                server.answer(body, done: respond)
            }
            body = []
        }
    }

    /// Bytes that are not HTTP (NIO's error handler has answered 400) or a broken connection:
    /// the connection is closed, and the server goes on with the others.
    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }

    /// 413, then the connection is closed: nothing more of the body is read.
    private func refuseTooLarge(context: ChannelHandlerContext) {
        refused = true
        head = nil
        body = []
        write(context: context, status: .payloadTooLarge, type: "text/plain; charset=utf-8",
              text: "malformed: the body is over \(AddCheckpointRequest.maxBytes) bytes\n", keepAlive: false)
    }

    private func write(context: ChannelHandlerContext, status: HTTPResponseStatus, type: String, text: String, keepAlive: Bool) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: type)
        headers.add(name: "Content-Length", value: "\(text.utf8.count)")
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        var buffer = context.channel.allocator.buffer(capacity: text.utf8.count)
        buffer.writeString(text)
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        let sent = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive { sent.whenComplete { _ in context.close(promise: nil) } }
    }
}
