import ArgumentParser
import Foundation
import HADICNode
import Logging
import ServiceLifecycle

/// `hadicd`: a HADIC node. See docs/NODE.md.
@main
struct Hadicd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hadicd",
        abstract: "Run a HADIC node: the sequencer of a ledger, or a replica that follows and verifies it.",
        discussion: """
            The sequencer (it holds the sequencer key named in genesis) batches the events clients \
            submit into blocks, one fsync per block, and answers each event with its receipt once \
            its block is durable. A replica (it holds the key of a party registered with role \
            `node`) follows a peer, checks every block before storing it, serves reads and proofs, \
            and forwards submissions to the sequencer.

            Settings come from --config FILE (JSON, docs/NODE.md), then from the options given here.
            The node holds its data directory as its only writer: `hadic append --node HOST:PORT` \
            submits through it. SIGTERM or SIGINT stops it gracefully: it stops accepting, seals \
            the block in flight, sends its receipts, and exits 0.

            Examples:
              hadicd --data /var/lib/hadic --listen 0.0.0.0:7400
              hadicd --data /var/lib/hadic-r1 --listen 0.0.0.0:7401 --node-key r1.key \\
                     --ledger 3f5a…(64 hex) --peer seq.example.org:7400
            """
    )

    @Option(help: ArgumentHelp("Read settings from this JSON file (docs/NODE.md).", valueName: "FILE"))
    var config: String?

    @Option(help: ArgumentHelp("The data directory.", valueName: "DIR"))
    var data: String?

    @Option(help: ArgumentHelp("Where to listen (port 0: any free port, logged at start).", valueName: "HOST:PORT"))
    var listen: String?

    @Option(name: .customLong("peer"), help: ArgumentHelp("A node to follow (replica); repeat for several, tried in turn.", valueName: "HOST:PORT"))
    var peers: [String] = []

    @Option(help: ArgumentHelp("sequencer or replica (default: sequencer when a sequencer key is given or recorded by `hadic init`).", valueName: "ROLE"))
    var role: String?

    @Option(name: .customLong("sequencer-key"), help: ArgumentHelp("The sequencer's private key.", valueName: "FILE"))
    var sequencerKey: String?

    @Option(name: .customLong("node-key"), help: ArgumentHelp("A replica's private key (its party has role node).", valueName: "FILE"))
    var nodeKey: String?

    @Option(help: ArgumentHelp("The ledger id a replica follows (needed when DIR is empty).", valueName: "ID"))
    var ledger: String?

    @Option(name: .customLong("block-max-events"), help: "Seal a block when this many events wait (default 1000).")
    var blockMaxEvents: Int?

    @Option(name: .customLong("block-max-delay-ms"), help: "Seal a block when the oldest event has waited this long (default 20).")
    var blockMaxDelayMs: Int?

    @Option(name: .customLong("peer-stall-seconds"), help: "A replica with several peers moves to one that is ahead when the one it follows has given no new block for this long (default 30).")
    var peerStallSeconds: Int?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (default info).")
    var logLevel: String?

    @Option(name: .customLong("query-cache"), help: ArgumentHelp("on: keep the query state in memory and up to date with each block (default); off: answer every query from SQLite.", valueName: "on|off"))
    var queryCache: String?

    @Option(name: .customLong("query-cache-lots"), help: "How many lots the query state holds (default 500000; a larger ledger is partly loaded).")
    var queryCacheLots: Int?

    @Option(name: .customLong("query-market"), help: ArgumentHelp("A market whose certificate coverage is worked out at start; repeat for several (default: every market of the policy in force).", valueName: "CODE"))
    var queryMarkets: [String] = []

    @Option(name: .customLong("witness"), help: ArgumentHelp("A witness a sequencer sends each new checkpoint to, and its verifier key (`hadic witness key`); repeat for several; replaces the config's witnesses.", valueName: "HOST:PORT=VKEY"))
    var witnesses: [String] = []

    func makeConfig() throws -> NodeConfig {
        var c: NodeConfig
        if let config {
            c = try NodeConfig.load(file: config)
        } else {
            guard let data, let listen else { throw ValidationError("give --config FILE, or --data DIR and --listen HOST:PORT") }
            guard let address = NodeAddress(listen) else { throw ValidationError("--listen: expected HOST:PORT, got \(listen)") }
            c = NodeConfig(data: data, listen: address)
        }
        if let data { c.data = data }
        if let listen {
            guard let address = NodeAddress(listen) else { throw ValidationError("--listen: expected HOST:PORT, got \(listen)") }
            c.listen = address
        }
        if !peers.isEmpty {
            c.peers = try peers.map { p in
                guard let a = NodeAddress(p), a.port > 0 else { throw ValidationError("--peer: expected HOST:PORT, got \(p)") }
                return a
            }
        }
        if let role {
            guard let r = NodeConfig.Role(rawValue: role) else { throw ValidationError("--role: expected sequencer or replica") }
            c.role = r
        }
        if let sequencerKey { c.sequencerKey = sequencerKey }
        if let nodeKey { c.nodeKey = nodeKey }
        if let ledger { c.ledgerID = ledger }
        if let blockMaxEvents {
            guard (1...100_000).contains(blockMaxEvents) else { throw ValidationError("--block-max-events must be between 1 and 100000") }
            c.blockMaxEvents = blockMaxEvents
        }
        if let blockMaxDelayMs {
            guard (0...60_000).contains(blockMaxDelayMs) else { throw ValidationError("--block-max-delay-ms must be between 0 and 60000") }
            c.blockMaxDelayMs = blockMaxDelayMs
        }
        if let peerStallSeconds {
            guard (1...86_400).contains(peerStallSeconds) else { throw ValidationError("--peer-stall-seconds must be between 1 and 86400") }
            c.peerStallSeconds = peerStallSeconds
        }
        if let logLevel { c.logLevel = logLevel }
        if let queryCache {
            guard queryCache == "on" || queryCache == "off" else { throw ValidationError("--query-cache: expected on or off, got \(queryCache)") }
            c.queryEngine.enabled = queryCache == "on"
        }
        if let queryCacheLots {
            guard (1_000...100_000_000).contains(queryCacheLots) else { throw ValidationError("--query-cache-lots must be between 1000 and 100000000") }
            c.queryEngine.cacheLots = queryCacheLots
        }
        if !queryMarkets.isEmpty { c.queryEngine.markets = queryMarkets }
        if !witnesses.isEmpty { c.witnesses = try witnesses.map { try WitnessPeer(argument: $0) } }
        guard Logger.Level(rawValue: c.logLevel) != nil else { throw ValidationError("log level must be one of trace, debug, info, notice, warning, error, critical") }
        return c
    }

    func run() async throws {
        let config: NodeConfig
        do {
            config = try makeConfig()
        } catch let e as NodeConfig.Invalid {
            FileHandle.standardError.write(Data("hadicd: \(e)\n".utf8))
            throw ExitCode(64)
        }
        let level = Logger.Level(rawValue: config.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "hadicd")
        let server: NodeServer
        do {
            let node = try LedgerNode(config: config, logger: logger)
            server = NodeServer(node: node) { reason in
                logger.critical("hadicd cannot go on", metadata: ["reason": "\(reason)"])
                Foundation.exit(70)
            }
        } catch {
            FileHandle.standardError.write(Data("hadicd: \(error)\n".utf8))
            throw ExitCode(2)
        }
        // The node starts listening inside the service group, once SIGTERM and SIGINT are its
        // to handle: a stop asked right after start is still graceful.
        let service = NodeService(server: server)
        let group = ServiceGroup(services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
        if let failure = service.startFailure.value {
            FileHandle.standardError.write(Data("hadicd: \(failure)\n".utf8))
            throw ExitCode(2)
        }
    }
}

/// The node as a service: starts it, runs until a graceful shutdown is asked, then stops it
/// gracefully.
struct NodeService: Service {
    let server: NodeServer
    let startFailure = FailureBox()

    /// Why the node could not start (the service then returns, which ends the group).
    final class FailureBox: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: String?
        var value: String? { lock.withLock { stored } }
        func set(_ s: String) { lock.withLock { stored = s } }
    }

    func run() async throws {
        do {
            try server.start()
        } catch {
            startFailure.set("\(error)")
            return
        }
        try? await gracefulShutdown()
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                server.shutdown()
                done.resume()
            }
        }
    }
}
