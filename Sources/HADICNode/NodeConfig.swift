import Foundation
import HADICCore
import HADICQuery

/// How a node runs: where its ledger is, where it listens, whom it follows, which key it proves,
/// and how it batches. Read from a JSON file (docs/NODE.md) and/or the command line.
public struct NodeConfig: Sendable {
    public enum Role: String, Sendable {
        /// Holds the sequencer key named in genesis; the only writer of new blocks.
        case sequencer
        /// Holds no sequencer key; follows a peer, verifies every block, forwards submissions.
        case replica
    }

    public var data: String
    public var listen: NodeAddress
    public var peers: [NodeAddress] = []
    public var role: Role?
    /// The sequencer's private key (sequencer; default: the one `hadic init` recorded).
    public var sequencerKey: String?
    /// The private key of this node's `node` party (replica).
    public var nodeKey: String?
    /// The ledger a replica follows (the hash of its genesis); needed to start from an empty directory.
    public var ledgerID: String?
    /// A block is sealed when this many events wait, or when the oldest has waited `blockMaxDelayMs`.
    public var blockMaxEvents = 1000
    public var blockMaxDelayMs = 20
    /// A replica with several peers that has had no new block from the one it follows for this
    /// long asks the others for their heads, and moves to one that is ahead.
    public var peerStallSeconds = 30
    public var logLevel = "info"
    /// Whether and how the node keeps its query state between queries (`query_cache`,
    /// `query_cache_lots`, `query_markets`: docs/NODE.md).
    public var queryEngine = QueryEngine.Settings()
    /// Witnesses a sequencer sends each new checkpoint to, keeping their cosignatures
    /// (`witnesses`, `--witness HOST:PORT=VKEY`: docs/NODE.md, docs/WITNESS.md).
    public var witnesses: [WitnessPeer] = []

    public init(data: String, listen: NodeAddress) {
        self.data = data
        self.listen = listen
    }

    /// Why a configuration was refused, naming the field.
    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    /// Reads a configuration file: a JSON object with the fields of docs/NODE.md; unknown fields
    /// are refused so that a misspelt setting is not silently ignored.
    public static func load(file path: String) throws -> NodeConfig {
        guard let data = FileManager.default.contents(atPath: path) else { throw Invalid("cannot read config file \(path)") }
        do {
            var r = try FieldReader(try JSONValue.parse(Array(data)), path: "")
            let listenText = try r.string("listen")
            guard let listen = NodeAddress(listenText) else { throw Invalid("\(path): listen: expected HOST:PORT, got \(listenText)") }
            var config = NodeConfig(data: try r.string("data"), listen: listen)
            let base = (path as NSString).deletingLastPathComponent
            func resolve(_ p: String) -> String { p.hasPrefix("/") || base.isEmpty ? p : (base as NSString).appendingPathComponent(p) }
            config.data = resolve(config.data)
            if let role = try r.optionalString("role") {
                guard let parsed = Role(rawValue: role) else { throw Invalid("\(path): role: expected sequencer or replica, got \(role)") }
                config.role = parsed
            }
            if r.keys.contains("peers") {
                config.peers = try r.array("peers", maxCount: 64, allowEmpty: true) { (value, at) throws(SchemaError) in
                    guard let s = value.stringValue, let a = NodeAddress(s), a.port > 0 else { throw SchemaError(path: at, problem: "expected HOST:PORT") }
                    return a
                }
            }
            config.sequencerKey = try r.optionalString("sequencer_key").map(resolve)
            config.nodeKey = try r.optionalString("node_key").map(resolve)
            config.ledgerID = try r.optionalString("ledger")
            if let n = try r.optionalInteger("block_max_events", in: 1...100_000) { config.blockMaxEvents = Int(n) }
            if let n = try r.optionalInteger("block_max_delay_ms", in: 0...60_000) { config.blockMaxDelayMs = Int(n) }
            if let n = try r.optionalInteger("peer_stall_seconds", in: 1...86_400) { config.peerStallSeconds = Int(n) }
            if let level = try r.optionalString("log_level") { config.logLevel = level }
            if let on = try r.optionalBool("query_cache") { config.queryEngine.enabled = on }
            if let n = try r.optionalInteger("query_cache_lots", in: 1_000...100_000_000) { config.queryEngine.cacheLots = Int(n) }
            if r.keys.contains("query_markets") {
                config.queryEngine.markets = try r.array("query_markets", maxCount: 256, allowEmpty: true) { (value, at) throws(SchemaError) in
                    guard let s = value.stringValue, !s.isEmpty else { throw SchemaError(path: at, problem: "expected a market code") }
                    return s
                }
            }
            if let list = r.optionalValue("witnesses") {
                guard case .array(let items) = list, items.count <= 64 else {
                    throw Invalid("\(path): witnesses: expected an array of at most 64 {\"url\": ..., \"vkey\": ...} objects")
                }
                config.witnesses = try items.enumerated().map { (n, item) in
                    var w = try FieldReader(item, path: "witnesses[\(n)]")
                    let peer = try WitnessPeer(address: try w.string("url"), vkey: try w.string("vkey"), field: "\(path): witnesses[\(n)]")
                    try w.finish()
                    return peer
                }
            }
            try r.finish()
            return config
        } catch let e as Invalid {
            throw e
        } catch {
            throw Invalid("\(path): \(error)")
        }
    }
}
