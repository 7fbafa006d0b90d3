import HADICCrypto

/// The body of a C2SP tlog-witness `add-checkpoint` request: the size of the checkpoint the
/// client believes the witness holds, a consistency proof from it, and the new signed checkpoint.
///
///     old <size, decimal, no leading zeroes>\n
///     <base64 hash>\n            (0 to 63 lines: the RFC 9162 consistency proof, old -> new)
///     \n
///     <the signed checkpoint note, verbatim>
///
/// Guarantees: a parsed value has at most 63 hashes of 32 bytes each and a note text that is
/// UTF-8; `bytes` of a value is a body `init(parsing:)` reads back to the same value. Nothing
/// about signatures or consistency is checked here: that is ``WitnessRules``.
public struct AddCheckpointRequest: Equatable, Sendable {
    /// The spec's cap on proof lines (a tree of 2^63 leaves needs no more).
    public static let maxProofHashes = 63
    /// Far above a real request (63 hashes and a checkpoint with 100 signatures is under 20 KB).
    public static let maxBytes = 1 << 20

    public let oldSize: UInt64
    public let proof: [[UInt8]]
    /// The signed note as sent (may carry signatures by other keys, which are ignored).
    public let checkpoint: String

    public init(oldSize: UInt64, proof: [[UInt8]], checkpoint: String) {
        self.oldSize = oldSize
        self.proof = proof
        self.checkpoint = checkpoint
    }

    public var bytes: [UInt8] {
        Array(("old \(oldSize)\n" + proof.map { Base64.encode($0) + "\n" }.joined() + "\n" + checkpoint).utf8)
    }

    /// Reads a request body; the error names the line that is wrong.
    public init(parsing bytes: [UInt8]) throws(WitnessRefusal) {
        guard bytes.count <= Self.maxBytes else { throw .malformed("request of \(bytes.count) bytes, more than \(Self.maxBytes)") }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .malformed("request is not UTF-8") }
        var lines = text.split(separator: "\n", maxSplits: Self.maxProofHashes + 2, omittingEmptySubsequences: false)[...]
        guard let first = lines.popFirst(), first.hasPrefix("old ") else {
            throw .malformed("the first line is not `old <size>`")
        }
        let digits = first.dropFirst(4)
        guard let old = UInt64(digits), String(old) == digits else {
            throw .malformed("old size \"\(digits)\" is not a decimal number without leading zeroes")
        }
        var proof: [[UInt8]] = []
        while true {
            guard let line = lines.popFirst() else { throw .malformed("no empty line before the checkpoint") }
            if line.isEmpty { break }
            guard proof.count < Self.maxProofHashes else {
                throw .malformed("more than \(Self.maxProofHashes) consistency proof lines")
            }
            guard let hash = Base64.decode(String(line)), hash.count == 32 else {
                throw .malformed("proof line \(proof.count + 1) is not the base64 of a 32-byte hash")
            }
            proof.append(hash)
        }
        let note = lines.joined(separator: "\n")
        guard !note.isEmpty else { throw .malformed("no checkpoint after the empty line") }
        self.init(oldSize: old, proof: proof, checkpoint: note)
    }
}
