import HADICCore
import HADICCrypto

/// A block header (docs/FORMATS.md, "Block header").
///
/// Genesis (height 0): `{"v":1,"height":0,"time":…,"origin":…,"sequencer_key":…,"admins":[…],
/// "tree_size":0,"tree_root":…}`. Every later block: `{"v":1,"ledger":…,"height":h,"prev":…,
/// "time":…,"tree_size":n,"tree_root":…}`. The block's events are the leaves
/// `[previous tree_size, tree_size)` of the one Merkle tree over every event so far.
/// ``signingInput`` is `hadic-block-v1\n` + JCS(header); the block hash is its SHA-256 and the
/// sequencer's Ed25519 signature covers it.
public struct BlockHeader: Equatable, Sendable {
    public static let domainSeparator = Array("hadic-block-v1\n".utf8)

    public let height: UInt64
    public let time: Timestamp
    public let treeSize: UInt64
    public let treeRoot: [UInt8]
    /// Genesis only.
    public let genesis: Genesis?
    /// Every block but genesis.
    public let ledgerID: String?
    public let previousHash: [UInt8]?

    public let canonicalBytes: [UInt8]
    public let signingInput: [UInt8]
    public let hash: [UInt8]

    public static func genesis(_ g: Genesis, time: Timestamp) -> BlockHeader {
        BlockHeader(height: 0, time: time, treeSize: 0, treeRoot: MerkleHash.emptyRoot, genesis: g, ledgerID: nil, previousHash: nil)
    }

    public static func block(ledgerID: String, height: UInt64, previousHash: [UInt8], time: Timestamp,
                             treeSize: UInt64, treeRoot: [UInt8]) -> BlockHeader {
        BlockHeader(height: height, time: time, treeSize: treeSize, treeRoot: treeRoot, genesis: nil,
                    ledgerID: ledgerID, previousHash: previousHash)
    }

    private init(height: UInt64, time: Timestamp, treeSize: UInt64, treeRoot: [UInt8], genesis: Genesis?,
                 ledgerID: String?, previousHash: [UInt8]?) {
        self.height = height
        self.time = time
        self.treeSize = treeSize
        self.treeRoot = treeRoot
        self.genesis = genesis
        self.ledgerID = ledgerID
        self.previousHash = previousHash
        var fields: [String: JSONValue] = [
            "v": .number(JSONNumber(1)), "height": .number(JSONNumber(Int(height))), "time": .string(time.text),
            "tree_size": .number(JSONNumber(Int(treeSize))), "tree_root": .string(Hex.encode(treeRoot)),
        ]
        if let g = genesis {
            fields["origin"] = .string(g.origin)
            fields["sequencer_key"] = .string(Base64.encode(g.sequencerKey.spkiDER))
            fields["admins"] = .array(g.admins.map {
                .object(["party": .string($0.party.rawValue), "public_key": .string(Base64.encode($0.publicKey.spkiDER))])
            })
        }
        if let ledgerID { fields["ledger"] = .string(ledgerID) }
        if let previousHash { fields["prev"] = .string(Hex.encode(previousHash)) }
        canonicalBytes = JSONValue.object(fields).canonicalBytes
        signingInput = BlockHeader.domainSeparator + canonicalBytes
        hash = SHA256.hash(signingInput)
    }

    public var json: JSONValue {
        (try? JSONValue.parse(canonicalBytes)) ?? .null
    }

    /// Parses stored header bytes; they must be canonical (re-encoding gives the same bytes).
    public static func parse(_ bytes: [UInt8]) throws(LedgerError) -> BlockHeader {
        do {
            let json = try JSONValue.parse(bytes)
            var r = try FieldReader(json, path: "header")
            guard try r.integer("v", in: 0...Int64.max) == 1 else { throw LedgerError.malformedHeader("unsupported header version") }
            let height = UInt64(try r.integer("height", in: 0...(1 << 53)))
            let time = try r.time("time")
            let size = UInt64(try r.integer("tree_size", in: 0...(1 << 53)))
            let root = try r.parsed("tree_root", { Hex.decode($0).flatMap { $0.count == 32 ? $0 : nil } }, expected: "64 hex digits")
            let header: BlockHeader
            if height == 0 {
                let origin = try r.string("origin", maxLength: 255)
                let seq = try r.publicKey("sequencer_key")
                let admins = try r.array("admins") { (v, path) throws(SchemaError) -> GenesisAdmin in
                    var a = try FieldReader(v, path: path)
                    let admin = GenesisAdmin(party: try a.party("party"), publicKey: try a.publicKey("public_key"))
                    try a.finish()
                    return admin
                }
                try r.finish()
                header = .genesis(try Genesis(origin: origin, sequencerKey: seq, admins: admins), time: time)
                guard size == 0, root == MerkleHash.emptyRoot else { throw LedgerError.malformedHeader("genesis must commit to the empty tree") }
            } else {
                let ledger = try r.string("ledger", maxLength: 64)
                let prev = try r.parsed("prev", { Hex.decode($0).flatMap { $0.count == 32 ? $0 : nil } }, expected: "64 hex digits")
                try r.finish()
                header = .block(ledgerID: ledger, height: height, previousHash: prev, time: time, treeSize: size, treeRoot: root)
            }
            guard header.canonicalBytes == bytes else { throw LedgerError.malformedHeader("header bytes are not canonical JSON") }
            return header
        } catch let e as LedgerError {
            throw e
        } catch {
            throw .malformedHeader("\(error)")
        }
    }
}
