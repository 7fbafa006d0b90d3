import HADICCrypto

/// An event's identity: SHA-256 of its signing input (docs/FORMATS.md), written as lowercase hex.
///
/// One signed statement has exactly one id, whatever signature bytes accompany it.
public struct EventID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        self.bytes = bytes
    }

    /// From a SHA-256 output (always 32 bytes).
    init(digest: [UInt8]) {
        precondition(digest.count == 32, "SHA-256 digests are 32 bytes")
        self.bytes = digest
    }

    /// Accepts exactly 64 lowercase hex digits (the one spelling HADIC writes).
    public init?(hex: String) {
        guard EventEnvelope.isLowerHex64(hex), let b = Hex.decode(hex) else { return nil }
        self.bytes = b
    }

    public var hex: String { Hex.encode(bytes) }

    // The first 8 bytes of a SHA-256 output are as uniform as all 32, and ids are hashed for
    // every event of a batch and every row of an assessment. Equality still compares all 32.
    public func hash(into hasher: inout Hasher) {
        var prefix: UInt64 = 0
        for i in 0..<8 { prefix = prefix << 8 | UInt64(bytes[i]) }
        hasher.combine(prefix)
    }
    public var description: String { hex }
    public var short: String { String(hex.prefix(12)) }
    public static func < (a: EventID, b: EventID) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }
}
