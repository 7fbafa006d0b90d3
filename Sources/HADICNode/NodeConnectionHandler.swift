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
    private var lastWrite: EventLoopFuture<Void>?

    init(node: LedgerNode, logger: Logger) {
        self.node = node
        self.logger = logger
    }

    func channelInactive(context: ChannelHandlerContext) {
        node.removeDownstream(context.channel)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        let loop = context.eventLoop
        let slot = first + answers.count
        answers.append(nil)
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
            if case .error = ready {
                // An error answer ends the connection (docs/PROTOCOL.md, "Errors").
                context.flush()
                let channel = context.channel
                lastWrite?.whenComplete { _ in channel.close(promise: nil) }
                answers = []
                return
            }
        }
        if wrote { context.flush() }
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
