import NIOCore
import NIOHTTP1
import NIOPosix

/// A witness's answer to one `add-checkpoint` POST.
public struct WitnessHTTPResponse: Sendable {
    public let status: Int
    public let contentType: String?
    public let body: [UInt8]
}

/// Why a witness could not be asked (no connection, no answer in time, an oversized answer).
public struct WitnessHTTPError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(description: String) { self.description = description }
}

/// Sends one `POST <prefix>/add-checkpoint` and waits for the answer, on a caller-supplied loop
/// group. Blocking: call it off any event loop (the sequencer's collector runs it on its own queue).
///
/// Guarantees: returns or throws within `timeout` seconds; an answer body over 64 KiB (a
/// witness answers a few signature lines) is an error, never read whole into memory.
public enum WitnessHTTPClient {
    static let maxResponseBytes = 64 << 10

    public static func post(_ body: [UInt8], to endpoint: WitnessEndpoint, group: EventLoopGroup, timeout: Int64) throws -> WitnessHTTPResponse {
        let promise = group.next().makePromise(of: WitnessHTTPResponse.self)
        let connect = ClientBootstrap(group: group)
            .connectTimeout(.seconds(timeout))
            .channelInitializer { channel in
                channel.pipeline.addHTTPClientHandlers().flatMap {
                    channel.pipeline.addHandler(ResponseCollector(promise: promise))
                }
            }
            .connect(host: endpoint.host, port: endpoint.port)
        let channel: Channel
        do { channel = try connect.wait() } catch {
            let failure = WitnessHTTPError(description: "cannot connect to \(endpoint): \(error)")
            // NIO requires every promise to be completed (debug builds stop on a leaked one).
            promise.fail(failure)
            throw failure
        }
        defer { channel.close(promise: nil) }
        let deadline = channel.eventLoop.scheduleTask(in: .seconds(timeout)) {
            promise.fail(WitnessHTTPError(description: "\(endpoint) gave no answer within \(timeout) s"))
        }
        defer { deadline.cancel() }
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "\(endpoint.host):\(endpoint.port)")
        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        headers.add(name: "Content-Length", value: "\(body.count)")
        headers.add(name: "Connection", value: "close")
        let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: endpoint.addCheckpointPath, headers: headers)
        var buffer = channel.allocator.buffer(capacity: body.count)
        buffer.writeBytes(body)
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        channel.write(HTTPClientRequestPart.body(.byteBuffer(buffer)), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        do { return try promise.futureResult.wait() } catch let e as WitnessHTTPError { throw e } catch {
            throw WitnessHTTPError(description: "\(endpoint): \(error)")
        }
    }

    /// Collects one response, bounded, and completes the promise (at most once).
    final class ResponseCollector: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPClientResponsePart
        let promise: EventLoopPromise<WitnessHTTPResponse>
        private var head: HTTPResponseHead?
        private var body: [UInt8] = []

        init(promise: EventLoopPromise<WitnessHTTPResponse>) { self.promise = promise }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let h): head = h
            case .body(var buffer):
                guard body.count + buffer.readableBytes <= WitnessHTTPClient.maxResponseBytes else {
                    promise.fail(WitnessHTTPError(description: "the answer is over \(WitnessHTTPClient.maxResponseBytes) bytes"))
                    context.close(promise: nil)
                    return
                }
                body += buffer.readBytes(length: buffer.readableBytes) ?? []
            case .end:
                guard let head else { return }
                promise.succeed(WitnessHTTPResponse(status: Int(head.status.code), contentType: head.headers.first(name: "Content-Type"), body: body))
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            promise.fail(WitnessHTTPError(description: "the connection closed before a whole answer"))
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: Error) {
            promise.fail(error)
            context.close(promise: nil)
        }
    }
}
