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
