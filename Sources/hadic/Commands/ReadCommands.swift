import ArgumentParser
import Foundation
import HADICCore
import HADICCrypto
import HADICLedger
import HADICWitness
import HADICStore

/// Opens a data directory for reading and returns its head and genesis.
struct LedgerReader {
    let dir: DataDirectory
    let genesisBlock: SealedBlock
    let genesis: Genesis
    let head: SealedBlock

    init(_ path: String) throws {
        dir = try DataDirectory(reading: path)
        guard let g = try dir.store.block(at: 0), let genesis = g.header.genesis, let head = try dir.store.latestBlock() else {
            throw CLIFailure("\(path) holds no genesis block")
        }
        genesisBlock = g
        self.genesis = genesis
        self.head = head
    }

    /// The id of the event named by `text`: an event id, or the event hash URI of an event
    /// imported from EPCIS (`ni:///sha-256;…?ver=CBV2.0`); nil when neither names one here.
    func eventID(named text: String) throws -> EventID? {
        if let hash = EPCISHashURI(text) { return try dir.store.epcisEvent(hash: hash.text)?.event }
        return EventID(hex: text)
    }

    var ledgerID: String { Hex.encode(genesisBlock.header.hash) }
}

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Print the ledger's origin, id, height, tree size, root and sequencer key.",
        discussion: """
            With --node, asks a running node instead, and adds what the node says of itself: its \
            role, its key, whom it follows, and whether it holds evidence of a fork. The node's \
            checkpoint is checked against the sequencer key of its genesis, and its genesis against \
            the ledger id.
            """
    )

    @OptionGroup var source: LedgerSourceOptions

    @Flag(help: "Print JSON (fields: origin, ledger_id, height, tree_size, root, root_hex, block_time, sequencer_key, sequencer_key_id, admins; with --node also node: {role, key_id, state, forks, upstream}).")
    var json = false

    func run() throws {
        try reportingFailures {
            if let node = source.node { return try nodeStatus(node) }
            let r = try LedgerReader(source.data ?? "")
            let h = r.head.header
            print(render(genesis: r.genesis, ledgerID: r.ledgerID, height: h.height, treeSize: h.treeSize, root: h.treeRoot,
                         blockTime: h.time.text, node: nil))
        }
    }

    private func nodeStatus(_ address: String) throws {
        let client = try NodeClient(address)
        let (_, genesis) = try client.genesis()
        guard case .status(let s) = try client.request(.getStatus) else { throw CLIFailure("node \(address) did not send its status") }
        // Height and tree from one moment: the status's own head and checkpoint.
        let checkpoint: Checkpoint
        do {
            checkpoint = try Checkpoint.verify(signedNote: s.checkpoint, origin: genesis.origin, sequencerKey: genesis.sequencerKey)
        } catch {
            throw CLIFailure("node \(address) sent a checkpoint that does not verify under the sequencer key of its genesis: \(error)")
        }
        guard checkpoint.size == s.head.treeSize, checkpoint.root == s.head.root else {
            throw CLIFailure("node \(address) sent a status whose head differs from its checkpoint")
        }
        let node: JSONValue = .object([
            "role": .string(s.role), "key_id": .string(client.connection.peer.nodeKey.keyID), "state": .string(s.state),
            "forks": .number(JSONNumber(Int(s.forks))), "upstream": .array(s.upstream.map { .string($0) }),
        ])
        print(render(genesis: genesis, ledgerID: client.ledgerID, height: s.head.height, treeSize: checkpoint.size, root: checkpoint.root,
                     blockTime: nil, node: node))
    }

    private func render(genesis: Genesis, ledgerID: String, height: UInt64, treeSize: UInt64, root: [UInt8], blockTime: String?, node: JSONValue?) -> String {
        if json {
            var fields: [String: JSONValue] = [
                "origin": .string(genesis.origin), "ledger_id": .string(ledgerID),
                "height": .number(JSONNumber(Int(height))), "tree_size": .number(JSONNumber(Int(treeSize))),
                "root": .string(Base64.encode(root)), "root_hex": .string(Hex.encode(root)),
                "sequencer_key": .string(Base64.encode(genesis.sequencerKey.spkiDER)),
                "sequencer_key_id": .string(genesis.sequencerKey.keyID),
                "admins": .array(genesis.admins.map { .object(["party": .string($0.party.rawValue), "key_id": .string($0.publicKey.keyID)]) }),
            ]
            if let blockTime { fields["block_time"] = .string(blockTime) }
            if let node { fields["node"] = node }
            return JSONValue.object(fields).prettyPrinted()
        }
        var lines = [
            "origin         \(genesis.origin)",
            "ledger id      \(ledgerID)",
            "height         \(height)",
            "tree size      \(treeSize)",
            "root           \(Base64.encode(root))",
        ]
        if let blockTime { lines.append("last block     \(blockTime)") }
        lines.append("sequencer key  \(genesis.sequencerKey.keyID) (ed25519)")
        lines.append("admins         \(genesis.admins.map { "\($0.party)" }.joined(separator: ", "))")
        if case .object(let n)? = node {
            lines.append("node role      \(n["role"]?.stringValue ?? "")")
            lines.append("node key       \(n["key_id"]?.stringValue ?? "")")
            lines.append("node state     \(n["state"]?.stringValue ?? "")")
            if let forks = n["forks"]?.numberValue?.int64Value, forks > 0 { lines.append("FORK EVIDENCE  \(forks) (see `hadic evidence --data DIR` on that node)") }
            if case .array(let up)? = n["upstream"], !up.isEmpty { lines.append("follows        \(up.compactMap(\.stringValue).joined(separator: ", "))") }
        }
        return lines.joined(separator: "\n")
    }
}

struct CheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Print the latest signed checkpoint (a C2SP signed note), exactly as signed, then any witness cosignatures kept for it.",
        discussion: "With --node, the node's latest, after checking it under the sequencer key of the node's genesis, with the cosignatures the node keeps for it."
    )

    @OptionGroup var source: LedgerSourceOptions

    func run() throws {
        try reportingFailures {
            if let node = source.node {
                let (note, _, _, cosignatures) = try NodeClient(node).cosignedCheckpoint()
                return FileHandle.standardOutput.write(Data((note + cosignatures.map(\.line).joined()).utf8))
            }
            let r = try LedgerReader(source.data ?? "")
            // With the witnesses' cosignatures kept for it (hadic witness attach), if any.
            let note = try StoredCosignatures(dataDirectory: source.data ?? "").note(r.head.checkpoint, size: r.head.header.treeSize)
            FileHandle.standardOutput.write(Data(note.utf8))
        }
    }
}

struct BlockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "block",
        abstract: "Print one block: header, hash, signature, checkpoint and event ids, as JSON."
    )

    @OptionGroup var data: DataOptions

    @Argument(help: "The block height (0 is genesis).")
    var height: UInt64

    func run() throws {
        try reportingFailures {
            let r = try LedgerReader(data.data)
            guard let block = try r.dir.store.block(at: height) else {
                throw CLIFailure("no block at height \(height) (the head is \(r.head.height))")
            }
            var previousSize: UInt64 = 0
            if height > 0, let prev = try r.dir.store.block(at: height - 1) { previousSize = prev.header.treeSize }
            let events = try r.dir.store.events(in: previousSize..<block.header.treeSize)
            let value: JSONValue = .object([
                "height": .number(JSONNumber(Int(height))),
                "hash": .string(Hex.encode(block.header.hash)),
                "header": block.header.json,
                "signature": .string(Base64.encode(block.signature)),
                "checkpoint": .string(block.checkpoint),
                "first_index": .number(JSONNumber(Int(previousSize))),
                "events": .array(events.map { .string($0.id.hex) }),
            ])
            print(value.prettyPrinted())
        }
    }
}

struct EventCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "event",
        abstract: "Print one event by id or EPCIS event hash: its leaf index, block, and signed envelope, as JSON.",
        discussion: """
            An event imported from GS1 EPCIS (`hadic epcis import`) is also found by its CBV 2.0 \
            event hash, `ni:///sha-256;<hex>?ver=CBV2.0`; its output then adds `epcis_hash`, \
            `epcis_hash_version` and, when an error declaration names it, `declared_by`.
            With --node, a running node answers with the same output.
            """
    )

    @OptionGroup var source: LedgerSourceOptions

    @Argument(help: "The event id (64 lowercase hex digits), or an EPCIS event hash URI.")
    var id: String

    func validate() throws {
        guard EventID(hex: id) != nil || EPCISHashURI(id) != nil else {
            throw ValidationError("an event id is 64 lowercase hex digits, an EPCIS event hash ni:///sha-256;<hex>?ver=CBV2.0")
        }
    }

    func run() throws {
        try reportingFailures {
            print(try QueryCommand.answer(.event(id: id), source: source).output, terminator: "")
        }
    }
}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Print every event's leaf bytes (canonical signed envelope), one per line, in ledger order.",
        discussion: "The output can be appended to another ledger of the same id with `hadic append --signed`, or hashed to recompute the Merkle tree (docs/FORMATS.md)."
    )

    @OptionGroup var data: DataOptions

    func run() throws {
        try reportingFailures {
            let r = try LedgerReader(data.data)
            var out = Output()
            var start: UInt64 = 0
            while start < r.head.header.treeSize {
                let end = min(r.head.header.treeSize, start + 4096)
                for leaf in try r.dir.store.leaves(in: start..<end) { out.line(bytes: leaf) }
                start = end
            }
            out.flush()
        }
    }
}

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the ledger's integrity; exit 0 if intact, 1 naming the first bad block or event.",
        discussion: """
            Quick (default): hash links, heights and times, header and checkpoint signatures, \
            every Merkle root recomputed from the stored events, every stored Merkle node.
            --full also: every event parsed and its id recomputed, every signature verified (all \
            cores), every admission rule replayed from genesis, and the derived tables compared \
            with that replay.
            """
    )

    @OptionGroup var data: DataOptions

    @Flag(help: "Also verify every event signature and replay every admission rule.")
    var full = false

    @Option(help: ArgumentHelp("Trust only this sequencer public key (PEM).", valueName: "PUBFILE"))
    var trust: String?

    func run() throws {
        var failed = false
        try reportingFailures {
            // Not LedgerReader: a block that no longer parses must be reported by the verifier, by height.
            let dir = try DataDirectory(reading: data.data)
            let trusted = try trust.map { try PublicKey(contentsOf: $0) }
            let started = DispatchTime.now()
            do {
                let report = try LedgerVerifier(store: dir.store, trustedSequencerKey: trusted).verify(full: full)
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
                var line = "intact: \(report.blocks) blocks, \(report.events) events, \(report.merkleNodes) Merkle nodes; tree size \(report.treeSize), root \(Base64.encode(report.root))"
                if full { line += "; \(report.signaturesChecked) signatures and admission rules replayed, derived tables match (\(report.parties) parties, \(report.lots) lots, \(report.certificates) certificates)" }
                print(line + String(format: "; %.2fs", seconds))
            } catch {
                printError("hadic: NOT INTACT: \(error)")
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }
}

struct ReindexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reindex",
        abstract: "Rebuild every derived table (holdings, lots, certificates, Merkle nodes, the provenance index, ...) from the events alone."
    )

    @OptionGroup var data: DataOptions

    func run() throws {
        try reportingFailures {
            let dir = try DataDirectory(writing: data.data, holder: "hadic reindex")
            let rebuilt = try DerivedRebuild.rebuild(from: dir.store)
            try dir.store.replaceDerived(state: rebuilt.state, nodes: rebuilt.nodes, links: rebuilt.links)
            print("rebuilt: \(rebuilt.state.parties.count) parties, \(rebuilt.state.lots.count) lots, \(rebuilt.state.certificates.count) certificates, \(rebuilt.nodes.count) Merkle nodes, \(rebuilt.links.count) provenance links")
        }
    }
}
