import HADICCore
import HADICCrypto

/// The bytes of a message (docs/PROTOCOL.md, "Messages"): the type byte, then the body's
/// canonical JSON.
extension PeerMessage {
    /// Largest integer a body carries (heights, sizes, nonces): exact in every JSON reader.
    static let maxInteger: Int64 = (1 << 53) - 1
    /// Bodies are parsed with the frame limit, and at most this deep.
    static let bodyLimits = JSONLimits(maxDepth: 8, maxBytes: Int(PeerFrameDecoder.defaultLimit))

    public var payload: [UInt8] { [kind.rawValue] + body.canonicalBytes }

    var body: JSONValue {
        // (Values above 2^53 - 1 are not sent; a receiver refuses them.)
        func int(_ v: UInt64) -> JSONValue { .number(JSONNumber(Int(clamping: v))) }
        func text(_ bytes: [UInt8]) -> JSONValue { .string(String(decoding: bytes, as: UTF8.self)) }
        switch self {
        case .hello(let h):
            return .object(["v": .number(JSONNumber(Int(Hello.version))), "kind": .string(h.kind.rawValue), "ledger": .string(h.ledgerID), "head": h.head.json,
                            "node_key": .string(Base64.encode(h.nodeKey.spkiDER)), "nonce": .string(Base64.encode(h.nonce))])
        case .auth(let a): return .object(["signature": .string(Base64.encode(a.signature))])
        case .error(let e): return .object(["code": .string(e.code), "message": .string(e.message)])
        case .ping(let n), .pong(let n): return .object(["nonce": int(n)])
        case .submit(let events): return .object(["events": .array(events.map(text))])
        case .receipts(let results):
            return .object(["results": .array(results.map { r in
                switch r {
                case .admitted(let id, let index, let block): return .object(["id": .string(id.hex), "index": int(index), "block": int(block)])
                case .refused(let rule, let message): return .object(["refused": .object(["rule": .string(rule), "message": .string(message)])])
                }
            })])
        case .getCheckpoint: return .object([:])
        case .checkpoint(let note, let cosignatures):
            return .object(cosignatures.isEmpty ? ["note": .string(note)] : ["note": .string(note), "cosignatures": .string(cosignatures)])
        case .getBlocks(let from, let max): return .object(["from": int(from), "max": .number(JSONNumber(max))])
        case .blocks(let blocks):
            return .object(["blocks": .array(blocks.map { b in
                .object(["header": text(b.header), "signature": .string(Base64.encode(b.signature)),
                         "checkpoint": .string(b.checkpoint), "events": .array(b.events.map(text))])
            })])
        case .announce(let head): return .object(["head": head.json])
        case .getProof(.inclusion(let id, let size)):
            return .object(["inclusion": .object(["id": .string(id.hex)].merging(size.map { ["size": int($0)] } ?? [:]) { a, _ in a })])
        case .getProof(.consistency(let from, let to)):
            return .object(["consistency": .object(["from": int(from)].merging(to.map { ["to": int($0)] } ?? [:]) { a, _ in a })])
        case .proof(let p):
            var fields: [String: JSONValue] = ["hashes": .array(p.hashes.map { .string(Base64.encode($0)) }), "checkpoint": .string(p.checkpoint)]
            if let index = p.leafIndex { fields["index"] = int(index) }
            return .object(fields)
        case .getStatus: return .object([:])
        case .status(let s):
            return .object(["role": .string(s.role), "head": s.head.json, "checkpoint": .string(s.checkpoint),
                            "upstream": .array(s.upstream.map { .string($0) }), "forks": int(s.forks), "state": .string(s.state)])
        case .query(let q): return .object(["query": q])
        case .answer(let output, let status): return .object(["output": .string(output), "status": .number(JSONNumber(status))])
        }
    }

    /// Reads one frame's payload.
    public init(payload: some Collection<UInt8>) throws(PeerProtocolError) {
        guard let first = payload.first else { throw .emptyFrame }
        guard let kind = Kind(rawValue: first) else { throw .unknownMessageType(first) }
        let bytes = Array(payload.dropFirst())
        let value: JSONValue
        do { value = try JSONValue.parse(bytes, limits: Self.bodyLimits) } catch { throw .malformedBody(type: kind.name, reason: "not JSON: \(error)") }
        guard value.objectValue != nil else { throw .malformedBody(type: kind.name, reason: "the body is not a JSON object") }
        // One spelling per message: what is signed or hashed is what was sent.
        guard value.canonicalBytes == bytes else { throw .malformedBody(type: kind.name, reason: "the body is not in canonical JSON form (RFC 8785)") }
        if kind == .hello, let v = value.objectValue?["v"]?.numberValue?.int64Value, v != Hello.version { throw .unsupportedVersion(v) }
        do {
            var r = try FieldReader(value, path: "")
            self = try Self.read(kind, &r)
            try r.finish()
        } catch {
            throw PeerProtocolError.body(kind, error)
        }
    }

    private static func read(_ kind: Kind, _ r: inout FieldReader) throws(SchemaError) -> PeerMessage {
        let big = Int(PeerFrameDecoder.defaultLimit)
        func uint(_ r: inout FieldReader, _ key: String) throws(SchemaError) -> UInt64 { UInt64(try r.integer(key, in: 0...maxInteger)) }
        func bytes(_ r: inout FieldReader, _ key: String, count: Int? = nil) throws(SchemaError) -> [UInt8] {
            let s = try r.string(key, maxLength: big)
            guard let b = Base64.decode(s), count.map({ b.count == $0 }) ?? true else {
                throw SchemaError(path: r.childPath(key), problem: "expected base64" + (count.map { " of \($0) bytes" } ?? ""))
            }
            return b
        }
        func head(_ r: inout FieldReader) throws(SchemaError) -> Head {
            var h = try r.object("head")
            let head = Head(height: try uint(&h, "height"), treeSize: try uint(&h, "tree_size"), root: try bytes(&h, "root", count: 32))
            try h.finish()
            return head
        }
        /// A list that must be present (and an array), though it may be empty.
        func list<T>(_ r: inout FieldReader, _ key: String, max: Int, _ element: (JSONValue, String) throws(SchemaError) -> T) throws(SchemaError) -> [T] {
            guard case .array = try r.value(key) else { throw SchemaError(path: r.childPath(key), problem: "expected an array") }
            return try r.array(key, maxCount: max, allowEmpty: true, element)
        }
        func leaves(_ value: JSONValue, _ path: String) throws(SchemaError) -> [UInt8] {
            guard let s = value.stringValue else { throw SchemaError(path: path, problem: "expected an event's leaf bytes as a string") }
            return Array(s.utf8)
        }
        switch kind {
        case .hello:
            let version = try r.integer("v", in: 0...maxInteger)
            guard version == Hello.version else { throw SchemaError(path: "v", problem: "protocol version \(version) is not supported (this node speaks \(Hello.version))") }
            let peerKind = try r.parsed("kind", { PeerKind(rawValue: $0) }, expected: "node or client")
            let ledger = try r.string("ledger")
            guard ledger.utf8.count == 64, ledger.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
                throw SchemaError(path: "ledger", problem: "expected a ledger id (64 lowercase hex digits)")
            }
            let h = try head(&r)
            let keyBytes = try bytes(&r, "node_key")
            let key: PublicKey
            do { key = try PublicKey(spkiDER: keyBytes) } catch { throw SchemaError(path: "node_key", problem: "not a public key: \(error)") }
            return .hello(Hello(kind: peerKind, ledgerID: ledger, head: h, nodeKey: key, nonce: try bytes(&r, "nonce", count: 32)))
        case .auth: return .auth(Auth(signature: try bytes(&r, "signature")))
        case .error: return .error(ErrorReport(code: try r.string("code"), message: try r.string("message", maxLength: big)))
        case .ping: return .ping(nonce: try uint(&r, "nonce"))
        case .pong: return .pong(nonce: try uint(&r, "nonce"))
        case .submit: return .submit(try r.array("events", maxCount: 100_000, leaves))
        case .receipts:
            return .receipts(try list(&r, "results", max: 100_000) { (value, path) throws(SchemaError) in
                var e = try FieldReader(value, path: path)
                let result: SubmitResult
                if e.keys.contains("refused") {
                    var refused = try e.object("refused")
                    result = .refused(rule: try refused.string("rule"), message: try refused.string("message", maxLength: big))
                    try refused.finish()
                } else {
                    let id = try e.parsed("id", EventID.init(hex:), expected: "an event id")
                    result = .admitted(eventID: id, leafIndex: try uint(&e, "index"), blockHeight: try uint(&e, "block"))
                }
                try e.finish()
                return result
            })
        case .getCheckpoint: return .getCheckpoint
        case .checkpoint:
            return .checkpoint(try r.string("note", maxLength: 1 << 16),
                               cosignatures: r.keys.contains("cosignatures") ? try r.string("cosignatures", maxLength: 1 << 16) : "")
        case .getBlocks: return .getBlocks(from: try uint(&r, "from"), max: Int(try r.integer("max", in: 1...1_000)))
        case .blocks:
            return .blocks(try list(&r, "blocks", max: 1_000) { (value, path) throws(SchemaError) in
                var b = try FieldReader(value, path: path)
                let block = WireBlock(header: Array(try b.string("header", maxLength: 1 << 16).utf8), signature: try bytes(&b, "signature"),
                                      checkpoint: try b.string("checkpoint", maxLength: 1 << 16),
                                      events: try list(&b, "events", max: 100_000, leaves))
                try b.finish()
                return block
            })
        case .announce: return .announce(try head(&r))
        case .getProof:
            if r.keys.contains("inclusion") {
                var p = try r.object("inclusion")
                let id = try p.parsed("id", EventID.init(hex:), expected: "an event id")
                let size = try p.optionalInteger("size", in: 1...maxInteger).map(UInt64.init)
                try p.finish()
                return .getProof(.inclusion(eventID: id, treeSize: size))
            }
            var p = try r.object("consistency")
            let from = try uint(&p, "from")
            let to = try p.optionalInteger("to", in: 0...maxInteger).map(UInt64.init)
            try p.finish()
            return .getProof(.consistency(from: from, to: to))
        case .proof:
            let index = try r.optionalInteger("index", in: 0...maxInteger).map(UInt64.init)
            let hashes = try list(&r, "hashes", max: 128) { (value, path) throws(SchemaError) in
                guard let s = value.stringValue, let b = Base64.decode(s), b.count == 32 else {
                    throw SchemaError(path: path, problem: "expected a base64 hash of 32 bytes")
                }
                return b
            }
            return .proof(ProofAnswer(leafIndex: index, hashes: hashes, checkpoint: try r.string("checkpoint", maxLength: 1 << 16)))
        case .getStatus: return .getStatus
        case .status:
            let role = try r.string("role")
            let h = try head(&r)
            let checkpoint = try r.string("checkpoint", maxLength: 1 << 16)
            let upstream = try list(&r, "upstream", max: 64) { (value, path) throws(SchemaError) in
                guard let s = value.stringValue, !s.isEmpty else { throw SchemaError(path: path, problem: "expected a peer address") }
                return s
            }
            return .status(NodeStatus(role: role, head: h, checkpoint: checkpoint, upstream: upstream, forks: try uint(&r, "forks"),
                                      state: try r.string("state")))
        case .query:
            let q = try r.value("query")
            guard q.objectValue != nil else { throw SchemaError(path: "query", problem: "expected an object") }
            return .query(q)
        case .answer:
            // The output may be empty (a trace printed nothing is still an answer).
            let output = try r.optionalValue("output")
            guard case .string(let text)? = output else { throw SchemaError(path: "output", problem: "expected a string") }
            return .answer(output: text, status: Int(try r.integer("status", in: 0...255)))
        }
    }
}

extension PeerMessage.Head {
    var json: JSONValue {
        .object(["height": .number(JSONNumber(Int(clamping: height))), "tree_size": .number(JSONNumber(Int(clamping: treeSize))),
                 "root": .string(Base64.encode(root))])
    }
}
