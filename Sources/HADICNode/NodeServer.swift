import Foundation
import HADICPeer
import Logging
import NIOCore
import NIOPosix

/// The node on the network: listens for peers and clients, runs the handshake on each
/// connection, then serves it (``NodeConnectionHandler``); starts ingest or following.
/// ``shutdown()`` is the graceful stop: no new connections, the block in flight sealed and its
/// receipts written, then every connection closed.
public final class NodeServer: @unchecked Sendable {
    public let node: LedgerNode
    private let group: MultiThreadedEventLoopGroup
    private var server: Channel?
    private let lock = NSLock()
    private var connections: [ObjectIdentifier: (Channel, NodeConnectionHandler)] = [:]

    /// - Parameter onFatal: called when the node cannot go on (its sealer failed); the daemon exits non-zero.
    public init(node: LedgerNode, onFatal: @escaping @Sendable (String) -> Void) {
        self.node = node
        node.onFatal = onFatal
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    /// The address it listens on (the port the system chose when the config said 0).
    public var localAddress: SocketAddress? { server?.localAddress }

    public func start() throws {
        let node = self.node
        let logger = node.logger
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [weak self] channel in
                let remote = channel.remoteAddress.map { "\($0)" } ?? "?"
                guard let hello = node.hello() else {
                    return channel.close()
                }
                let handler = NodeConnectionHandler(node: node, logger: logger)
                let session = PeerSession(role: .listener, hello: hello, key: node.key, accepts: { node.accepts($0) }, ready: { theirs in
                    logger.debug("peer authenticated", metadata: ["peer": "\(remote)", "kind": "\(theirs.kind.rawValue)"])
                    if theirs.kind == .node { node.addDownstream(channel) }
                })
                self?.track(channel, handler)
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(PeerSession.handlers(session: session) + [handler])
                }
            }
        let address = node.config.listen
        // Ready to take submissions before the first connection can come.
        node.startIngest()
        var follower: UpstreamFollower?
        if node.role == .replica {
            follower = UpstreamFollower(node: node, group: group, follower: try node.openFollower())
            node.follower = follower
        }
        server = try bootstrap.bind(host: address.host, port: address.port).wait()
        follower?.start()
        let port = localAddress?.port ?? address.port
        node.directory.describeHolder("hadicd, listening on \(NodeAddress(host: address.host, port: port))")
        node.logger.notice("hadicd started", metadata: ["role": "\(node.role.rawValue)", "listen": "\(NodeAddress(host: address.host, port: port))",
                                                      "ledger": "\(node.ledgerIDValue ?? "(not yet known)")", "height": "\(node.head?.height ?? 0)"])
    }

    private func track(_ channel: Channel, _ handler: NodeConnectionHandler) {
        lock.withLock { connections[ObjectIdentifier(channel)] = (channel, handler) }
        channel.closeFuture.whenComplete { [weak self] _ in
            _ = self?.lock.withLock { self?.connections.removeValue(forKey: ObjectIdentifier(channel)) }
        }
    }

    /// Stops accepting, seals what waits and writes its receipts, closes every connection.
    public func shutdown() {
        try? server?.close().wait()
        node.drain()
        let open = lock.withLock { Array(connections.values) }
        let closed = open.map { channel, handler in
            channel.pipeline.context(handler: handler).map { handler.closeWhenAnswered($0) }.flatMap { channel.closeFuture }
        }
        // Bounded: a peer that does not read its receipts does not hold the node up forever.
        let all = EventLoopFuture.andAllComplete(closed, on: group.next())
        let deadline = group.next().scheduleTask(in: .seconds(10)) { for (c, _) in open { c.close(promise: nil) } }
        try? all.wait()
        deadline.cancel()
        try? group.syncShutdownGracefully()
        node.logger.notice("hadicd stopped", metadata: ["height": "\(node.head?.height ?? 0)"])
    }
}
