import HADICCrypto

/// A C2SP tlog-proof (c2sp.org/tlog-proof@v1): an entry's index, its inclusion proof, and the
/// signed checkpoint the proof leads to, as one text that can be checked offline.
///
/// ```
/// c2sp.org/tlog-proof@v1
/// index <decimal>
/// <base64 hash>          (zero or more, leaf's sibling first)
///
/// <signed checkpoint note, verbatim>
/// ```
/// HADIC writes no `extra` line and refuses one on input (it would be unauthenticated data).
public struct TLogProof: Equatable, Sendable {
    public static let header = "c2sp.org/tlog-proof@v1"

    public let index: UInt64
    public let hashes: [[UInt8]]
    /// The signed checkpoint note, exactly as signed.
    public let checkpoint: String

    public init(index: UInt64, hashes: [[UInt8]], checkpoint: String) {
        self.index = index
        self.hashes = hashes
        self.checkpoint = checkpoint
    }

    public var text: String {
        var out = "\(Self.header)\nindex \(index)\n"
        for h in hashes { out += Base64.encode(h) + "\n" }
        return out + "\n" + checkpoint
    }

    /// Parses a proof; every line must be in its canonical form.
    public init(parsing text: String) throws(LedgerError) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let blank = lines.firstIndex(where: \.isEmpty), blank + 1 < lines.count else {
            throw .malformedProof("no empty line before the checkpoint")
        }
        let head = lines[..<blank]
        checkpoint = lines[(blank + 1)...].joined(separator: "\n")
        guard head.first == Substring(Self.header) else { throw .malformedProof("the first line is not \(Self.header)") }
        guard head.count >= 2, head[1].hasPrefix("index ") else {
            throw .malformedProof(head.count >= 2 && head[1].hasPrefix("extra ") ? "extra data is not accepted" : "the second line is not \"index N\"")
        }
        let digits = head[1].dropFirst(6)
        guard let index = UInt64(digits), String(index) == digits else { throw .malformedProof("bad index \"\(digits)\"") }
        self.index = index
        var hashes: [[UInt8]] = []
        for (i, line) in head.dropFirst(2).enumerated() {
            guard let h = Base64.decode(String(line)), h.count == 32 else { throw .malformedProof("proof line \(i + 1) is not a base64 SHA-256 hash") }
            hashes.append(h)
        }
        self.hashes = hashes
    }
}
