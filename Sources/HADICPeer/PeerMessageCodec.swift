import NIOCore

/// Turns frames (from ``PeerFrameDecoder``) into ``PeerMessage``s, and messages into frame
/// payloads (for NIOExtras' `LengthFieldPrepender`). A frame that is not a valid message is an
/// error in the pipeline: the connection handler answers with an `error` message and closes.
public final class PeerMessageCodec: ChannelDuplexHandler, Sendable {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = PeerMessage
    public typealias OutboundIn = PeerMessage
    public typealias OutboundOut = ByteBuffer

    public init() {}

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        do {
            let message = try PeerMessage(payload: frame.readableBytesView)
            context.fireChannelRead(wrapInboundOut(message))
        } catch {
            context.fireErrorCaught(error)
        }
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let payload = unwrapOutboundIn(data).payload
        var buffer = context.channel.allocator.buffer(capacity: payload.count)
        buffer.writeBytes(payload)
        context.write(wrapOutboundOut(buffer), promise: promise)
    }
}
