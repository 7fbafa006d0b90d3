import HADICPeer
import Logging
import NIOCore

/// Serves one authenticated connection: pings, submissions and reads, answered in the order
/// they came (a later read may be ready before an earlier submission's block is durable, but
/// waits its turn). A node that connected (a follower) also gets this node's announces.
final class NodeConnectionHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = PeerMessage
    typealias OutboundOut = PeerMessage

    private let node: LedgerNode
    private let logger: Logger
    /// Answers not yet sent, in request order; nil until ready.
    private var answers: [PeerMessage?] = []
    private var first = 0
    private var closing = false
    /// Set once an error was answered: the connection is closing, and nothing more is read.
    private var ended = false
    private var lastWrite: EventLoopFuture<Void>?
    /// Answers owed before this side stops reading: a peer that does not read its answers
    /// cannot make the node compute and buffer without bound.
    static let maxOutstanding = 64

    init(node: LedgerNode, logger: Logger) {
        self.node = node
        self.logger = logger
    }

    func channelInactive(context: ChannelHandlerContext) {
        node.removeDownstream(context.channel)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !ended else { return }
        let message = unwrapInboundIn(data)
        let loop = context.eventLoop
        let slot = first + answers.count
        answers.append(nil)
        if answers.count >= Self.maxOutstanding {
            context.channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in }
        }
        let bound = NIOLoopBound(context, eventLoop: loop)
        let fill: @Sendable (PeerMessage) -> Void = { [self] answer in
            loop.execute { self.fill(slot, answer, bound.value) }
        }
        switch message {
        case .ping(let nonce):
            fill(.pong(nonce: nonce))
        case .submit(let leaves):
            node.submit(leaves) { fill(.receipts($0)) }
        case .getCheckpoint, .getBlocks, .getProof, .getStatus, .query:
            node.answer(message) { result in
                switch result {
                case .success(let answer): fill(answer)
                case .failure(let e): fill(.error(.init(code: e.code, message: e.message)))
                }
            }
        case .announce:
            // Followers learn of heads from the node they dial, not from those that dial them.
            answers.removeLast()
        case .error(let report):
            answers.removeLast()
            logger.info("peer reported an error", metadata: ["code": "\(report.code)", "message": "\(report.message)"])
        default:
            fill(.error(.init(code: "unexpected-message", message: "\(message.kind.name) is not a request")))
        }
    }

    /// Sends every answer that is ready and whose turn it is.
    private func fill(_ slot: Int, _ answer: PeerMessage, _ context: ChannelHandlerContext) {
        guard slot - first < answers.count, slot >= first else { return }
        answers[slot - first] = answer
        var wrote = false
        while let ready = answers.first.flatMap({ $0 }) {
            answers.removeFirst()
            first += 1
            lastWrite = context.write(wrapOutboundOut(ready))
            wrote = true
            if case .error(let report) = ready, !PeerMessage.ErrorReport.requestCodes.contains(report.code) {
                // Any other error ends the connection (docs/PROTOCOL.md, "Errors"): nothing read
                // after it is carried out, and no later answer is sent. (A request's own
                // not-found or bad-request is just its answer.)
                ended = true
                context.channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in }
                context.flush()
                let channel = context.channel
                lastWrite?.whenComplete { _ in channel.close(promise: nil) }
                first += answers.count
                answers = []
                return
            }
        }
        if wrote { context.flush() }
        updateReading(context)
    }

    /// Reads while the peer takes its answers: not while 64 are owed, nor while what was written
    /// waits unsent (the channel is not writable), so a peer that does not read cannot make
    /// the node buffer without bound.
    private func updateReading(_ context: ChannelHandlerContext) {
        guard !ended, !closing else { return }
        let read = answers.count < Self.maxOutstanding && context.channel.isWritable
        context.channel.setOption(ChannelOptions.autoRead, value: read).whenFailure { _ in }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        updateReading(context)
        context.fireChannelWritabilityChanged()
        if closing && answers.isEmpty { closeAfterWrites(context) }
    }

    /// Closes once every answer owed has been written (shutdown: receipts first).
    func closeWhenAnswered(_ context: ChannelHandlerContext) {
        closing = true
        if answers.isEmpty { closeAfterWrites(context) }
    }

    private func closeAfterWrites(_ context: ChannelHandlerContext) {
        let channel = context.channel
        if let lastWrite { lastWrite.whenComplete { _ in channel.close(promise: nil) } } else { channel.close(promise: nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        let code = (error as? PeerProtocolError)?.code ?? (error as? PeerSession.Refused)?.code ?? "io"
        logger.notice("connection closed", metadata: ["peer": "\(context.remoteAddress.map { "\($0)" } ?? "?")", "code": "\(code)", "reason": "\(error)"])
    }
}
