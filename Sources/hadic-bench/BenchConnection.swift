import ArgumentParser
import HADICPeer
import NIOCore
import NIOPosix

/// One client connection to a node (`--node HOST:PORT`) on its own one-thread event loop, as
/// every node benchmark opens it; `close()` ends both.
final class BenchConnection {
    let connection: PeerConnection
    private let group: MultiThreadedEventLoopGroup

    init(_ node: String) throws {
        let parts = node.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1]) else { throw ValidationError("--node: expected HOST:PORT, got \(node)") }
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            connection = try PeerConnection.connectAsClient(host: String(parts[0]), port: port, group: group).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw error
        }
    }

    func close() {
        connection.close()
        try? group.syncShutdownGracefully()
    }
}
