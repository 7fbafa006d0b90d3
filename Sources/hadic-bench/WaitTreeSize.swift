import ArgumentParser
import Foundation
import HADICPeer
import NIOCore
import NIOPosix

/// `hadic-bench wait-size`: returns once a node holds at least N events. It asks over one
/// connection every 20 ms, so a benchmark that times a replica's catch-up spends almost nothing
/// on watching it (a `hadic status` process every 100 ms cost a core-second per ten seconds).
struct WaitTreeSize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait-size",
        abstract: "Wait until a running node's tree holds at least N events."
    )

    @Option(help: ArgumentHelp("The node (hadicd).", valueName: "HOST:PORT"))
    var node: String

    @Option(name: .customLong("tree-size"), help: "The tree size to wait for.")
    var treeSize: UInt64

    @Option(help: "Give up (exit 1) after this many seconds.")
    var timeout: Double = 600

    func run() throws {
        let client = try BenchConnection(node)
        defer { client.close() }
        let connection = client.connection
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let answer: PeerMessage
            do {
                answer = try connection.request(.getStatus, timeout: .seconds(10)).wait()
            } catch PeerClientError.refused(code: "not-found", _) {
                // A fresh replica that holds no ledger yet (the connection stays open).
                usleep(20_000)
                continue
            }
            guard case .status(let status) = answer else {
                throw ValidationError("node \(node) answered get-status with \(answer.kind.name), not its status")
            }
            if status.head.treeSize >= treeSize { return }
            usleep(20_000)
        }
        throw ValidationError("node \(node) did not reach tree size \(treeSize) within \(timeout) s")
    }
}
