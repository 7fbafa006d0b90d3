import HADICCore
import HADICCrypto

/// Two signed statements by the sequencer that cannot both be true of one history: two
/// different blocks for one height, or two checkpoints (for one tree size, or with no
/// consistency between them). A node that is shown one stops following and keeps both, as
/// received, so anyone can check the signatures and see the sequencer equivocated.
public struct ForkEvidence: Equatable, Sendable {
    public enum Kind: String, Sendable {
        /// Two blocks signed for the same height; `ours` and `theirs` are ``SealedBlock/evidenceText``.
        case block
        /// Two signed checkpoint notes that no single append-only tree explains.
        case checkpoint
    }

    public let kind: Kind
    /// The height (blocks) or the larger tree size (checkpoints) where the histories differ.
    public let position: UInt64
    public let ours: String
    public let theirs: String
    /// The peer that showed it (host:port).
    public let peer: String
    public let foundAt: Timestamp
    public let reason: String

    public init(kind: Kind, position: UInt64, ours: String, theirs: String, peer: String, foundAt: Timestamp, reason: String) {
        self.kind = kind
        self.position = position
        self.ours = ours
        self.theirs = theirs
        self.peer = peer
        self.foundAt = foundAt
        self.reason = reason
    }
}

extension ForkEvidence {
    /// One side, if it is signed by the genesis sequencer key: the height (blocks) or tree
    /// size (checkpoints) it speaks for, and what it says there (the block hash, or the root).
    public static func statement(_ text: String, kind: Kind, genesis: Genesis) -> (position: UInt64, digest: [UInt8])? {
        switch kind {
        case .checkpoint:
            guard let cp = try? Checkpoint.verify(signedNote: text, origin: genesis.origin, sequencerKey: genesis.sequencerKey) else { return nil }
            return (cp.size, cp.root)
        case .block:
            guard let value = try? JSONValue.parse(Array(text.utf8)), case .object(let o) = value,
                  let headerText = o["header"]?.stringValue, let sig = o["signature"]?.stringValue.flatMap(Base64.decode),
                  let checkpoint = o["checkpoint"]?.stringValue, let header = try? BlockHeader.parse(Array(headerText.utf8)) else { return nil }
            guard (try? BlockFollower.checkSignatures(SealedBlock(header: header, signature: sig, checkpoint: checkpoint), genesis: genesis)) != nil else { return nil }
            return (header.height, header.hash)
        }
    }

    /// Whether this shows a fork: both sides signed by the sequencer, speaking for the same
    /// height or size, and saying different things there.
    public func conflicts(genesis: Genesis) -> Bool {
        guard let a = Self.statement(ours, kind: kind, genesis: genesis), let b = Self.statement(theirs, kind: kind, genesis: genesis) else { return false }
        return a.position == b.position && a.digest != b.digest
    }
}

extension SealedBlock {
    /// A block as evidence: `{"checkpoint":NOTE,"header":HEADER,"signature":SIG}` in canonical
    /// JSON, HEADER the header's canonical JSON as a string, SIG base64 (as in the `blocks`
    /// message, without the events).
    public var evidenceText: String {
        let value = JSONValue.object(["header": .string(String(decoding: header.canonicalBytes, as: UTF8.self)),
                                      "signature": .string(Base64.encode(signature)), "checkpoint": .string(checkpoint)])
        return String(decoding: value.canonicalBytes, as: UTF8.self)
    }
}
