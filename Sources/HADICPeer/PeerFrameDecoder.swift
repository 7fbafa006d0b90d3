import NIOCore

/// Splits the byte stream into frames: a 4-byte big-endian length, then that many bytes.
///
/// Written here rather than taken from NIOExtras' length-field decoder because the protocol
/// has a size limit (``PeerFrameDecoder/defaultLimit``) that must be enforced as soon as a length
/// field arrives, before any of the frame is buffered. Outbound frames use NIOExtras'
/// `LengthFieldPrepender` with a 4-byte field.
public struct PeerFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = ByteBuffer

    /// 16 MiB: a submitted batch or a block of a few thousand events fits well below it.
    public static let defaultLimit: UInt32 = 16 << 20
    private let limit: FrameLimit

    public init(limit: UInt32 = PeerFrameDecoder.defaultLimit) { self.limit = FrameLimit(limit) }

    /// A decoder whose limit another handler of the same connection may change (``PeerSession``
    /// raises it once the handshake completes).
    init(limit: FrameLimit) { self.limit = limit }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return .needMoreData }
        guard length > 0 else { throw PeerProtocolError.emptyFrame }
        guard length <= limit.value else { throw PeerProtocolError.frameTooLarge(length: length, limit: limit.value) }
        guard buffer.readableBytes >= 4 + Int(length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 4)
        guard let frame = buffer.readSlice(length: Int(length)) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        if buffer.readableBytes > 0 {
            let need = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self).map { 4 + Int($0) } ?? 4
            throw PeerProtocolError.truncatedFrame(have: buffer.readableBytes, need: need)
        }
        return .needMoreData
    }
}

/// A connection's frame limit, read by its decoder and set by its session; both run on the
/// connection's event loop only.
final class FrameLimit: @unchecked Sendable {
    var value: UInt32
    init(_ value: UInt32) { self.value = value }
}
