import HADICCore
import HADICCrypto

/// An exporter's chain-of-custody bundle (docs/BUNDLE.md): one self-contained document that
/// anyone holding the ledger's sequencer key can check offline. It carries the genesis block,
/// one signed checkpoint, and a set of events, each with its leaf bytes exactly as the ledger
/// committed them and its inclusion proof against that checkpoint.
///
/// The type only holds and (de)serialises the document; ``BundleBuilder`` chooses the events and
/// ``BundleVerifier`` checks them.
public struct ProvenanceBundle: Equatable, Sendable {
    public static let format = "hadic-bundle"
    public static let version = 1
    /// Bundles can be large (a few MB for a 700-lot ancestry); anything past this is refused.
    public static let limits = JSONLimits(maxDepth: 16, maxBytes: 512 << 20)

    /// One event: its leaf index, leaf bytes (the canonical envelope) and inclusion proof.
    public struct Entry: Equatable, Sendable {
        public let index: UInt64
        public let leaf: [UInt8]
        public let proof: [[UInt8]]

        public init(index: UInt64, leaf: [UInt8], proof: [[UInt8]]) {
            self.index = index
            self.leaf = leaf
            self.proof = proof
        }
    }

    /// The lot whose provenance it proves.
    public let lot: LotID
    /// The time the closure was taken at (the assessment's default time).
    public let madeAt: Timestamp
    public let ledgerID: String
    /// The genesis block header's canonical bytes, and the sequencer's signature over its signing input.
    public let genesisHeader: [UInt8]
    public let genesisSignature: [UInt8]
    /// The signed checkpoint note every proof leads to, verbatim.
    public let checkpoint: String
    /// In leaf-index order, each index once.
    public let events: [Entry]

    public init(lot: LotID, madeAt: Timestamp, ledgerID: String, genesisHeader: [UInt8], genesisSignature: [UInt8],
                checkpoint: String, events: [Entry]) {
        self.lot = lot
        self.madeAt = madeAt
        self.ledgerID = ledgerID
        self.genesisHeader = genesisHeader
        self.genesisSignature = genesisSignature
        self.checkpoint = checkpoint
        self.events = events
    }

    public var json: JSONValue {
        .object([
            "format": .string(Self.format), "version": .number(JSONNumber(Self.version)),
            "lot": .string(lot.rawValue), "made_at": .string(madeAt.text), "ledger_id": .string(ledgerID),
            "genesis": .object(["header": .string(String(decoding: genesisHeader, as: UTF8.self)),
                                "signature": .string(Base64.encode(genesisSignature))]),
            "checkpoint": .string(checkpoint),
            "events": .array(events.map { e in
                .object(["index": .number(JSONNumber(Int(e.index))), "leaf": .string(String(decoding: e.leaf, as: UTF8.self)),
                         "proof": .array(e.proof.map { .string(Base64.encode($0)) })])
            }),
        ])
    }

    /// Parses a bundle document; every field must be present and well formed (the checks of
    /// what it proves are ``BundleVerifier``'s).
    public init(parsing bytes: [UInt8]) throws(BundleError) {
        let value: JSONValue
        do { value = try JSONValue.parse(bytes, limits: Self.limits) } catch { throw .malformed("not JSON: \(error)") }
        guard let top = value.objectValue else { throw .malformed("not a JSON object") }
        func string(_ key: String, in object: [String: JSONValue], _ path: String) throws(BundleError) -> String {
            guard let s = object[key]?.stringValue else { throw .malformed("\(path)\(key) is missing or not a string") }
            return s
        }
        guard try string("format", in: top, "") == Self.format else { throw .malformed("format is not \(Self.format)") }
        guard let version = top["version"]?.numberValue?.int64Value else { throw .malformed("version is missing") }
        guard version == Int64(Self.version) else { throw .malformed("version \(version) is not supported (this HADIC reads version \(Self.version))") }
        guard let lot = LotID(try string("lot", in: top, "")) else { throw .malformed("lot is not a lot id") }
        guard let madeAt = Timestamp(try string("made_at", in: top, "")) else { throw .malformed("made_at is not an RFC 3339 UTC time") }
        guard let genesis = top["genesis"]?.objectValue else { throw .malformed("genesis is missing") }
        guard let signature = Base64.decode(try string("signature", in: genesis, "genesis.")) else { throw .malformed("genesis.signature is not base64") }
        guard let list = top["events"]?.arrayValue else { throw .malformed("events is missing or not an array") }
        var events: [Entry] = []
        events.reserveCapacity(list.count)
        for (i, item) in list.enumerated() {
            guard let e = item.objectValue, let index = e["index"]?.numberValue?.int64Value, index >= 0 else {
                throw .malformed("events[\(i)] has no index")
            }
            guard events.last.map({ UInt64(index) > $0.index }) ?? true else { throw .malformed("events[\(i)]: indices must increase") }
            guard let proof = e["proof"]?.arrayValue else { throw .malformed("events[\(i)].proof is missing") }
            var hashes: [[UInt8]] = []
            for (j, h) in proof.enumerated() {
                guard let text = h.stringValue, let raw = Base64.decode(text), raw.count == 32 else {
                    throw .malformed("events[\(i)].proof[\(j)] is not a base64 SHA-256 hash")
                }
                hashes.append(raw)
            }
            events.append(Entry(index: UInt64(index), leaf: Array(try string("leaf", in: e, "events[\(i)].").utf8), proof: hashes))
        }
        self.init(lot: lot, madeAt: madeAt, ledgerID: try string("ledger_id", in: top, ""),
                  genesisHeader: Array(try string("header", in: genesis, "genesis.").utf8), genesisSignature: signature,
                  checkpoint: try string("checkpoint", in: top, ""), events: events)
    }
}

/// Why a bundle could not be read, or what in it failed.
public enum BundleError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not a bundle this HADIC can read.
    case malformed(String)
    /// Read, but the item named does not hold.
    case invalid(item: String, reason: String)

    public var description: String {
        switch self {
        case .malformed(let s): return "malformed bundle: \(s)"
        case .invalid(let item, let reason): return "\(item): \(reason)"
        }
    }
}
