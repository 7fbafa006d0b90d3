import HADICCrypto

/// The bytes an Ed25519 `cosignature/v1` signs (c2sp.org/tlog-cosignature):
///
///     cosignature/v1\n
///     time <POSIX seconds, decimal, no leading zeroes>\n
///     <the checkpoint's note text, final newline included, no signature lines>
///
/// Guarantees: `bytes` is exactly that concatenation, so a signature over it is a statement
/// about this checkpoint at this time and cannot be confused with a log's own note signature
/// (which signs the note text alone, under another key id).
public struct CosignatureMessage: Sendable {
    /// The header line's text, without its newline: the domain separation of the format.
    public static let header = "cosignature/v1"
    /// The spec caps timestamps at 2^63 - 1.
    public static let maxTimestamp = UInt64(Int64.max)

    public let timestamp: UInt64
    public let checkpointText: String

    public init(timestamp: UInt64, checkpointText: String) {
        self.timestamp = timestamp
        self.checkpointText = checkpointText
    }

    public var bytes: [UInt8] {
        Array("\(Self.header)\ntime \(timestamp)\n".utf8) + Array(checkpointText.utf8)
    }
}
