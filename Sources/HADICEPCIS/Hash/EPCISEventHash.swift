/// A GS1 CBV 2.0 event hash (EPCIS Event Hash ID) with SHA-256, as the `ni:` URI of RFC 6920:
/// `ni:///sha-256;<64 lowercase hex>?ver=CBV2.0`.
///
/// Guarantees: `hex` is exactly 64 lowercase hexadecimal digits; `uri` is built from it and
/// ``algorithmVersion``; ``init(uri:)`` accepts exactly that form back (hex digits in either
/// case, normalised to lowercase) and nothing else.
public struct EPCISEventHash: Hashable, Sendable, CustomStringConvertible {
    /// The version of the event hash algorithm implemented here, as the `ver` parameter says it.
    public static let algorithmVersion = "CBV2.0"

    public let hex: String

    /// The `ni:` URI form.
    public var uri: String { "ni:///sha-256;\(hex)?ver=\(Self.algorithmVersion)" }

    public var description: String { uri }

    /// A hash from its 64 hex digits; nil when `hex` is not 64 hexadecimal digits.
    public init?(hex: String) {
        guard hex.utf8.count == 64, hex.utf8.allSatisfy({ Self.isHexDigit($0) }) else { return nil }
        self.hex = hex.lowercased()
    }

    /// Parses `ni:///sha-256;<hex>?ver=CBV2.0`; nil for any other algorithm, version or shape.
    public init?(uri: String) {
        let prefix = "ni:///sha-256;"
        let suffix = "?ver=" + Self.algorithmVersion
        guard uri.hasPrefix(prefix), uri.hasSuffix(suffix), uri.utf8.count == prefix.utf8.count + 64 + suffix.utf8.count
        else { return nil }
        self.init(hex: String(uri.dropFirst(prefix.count).dropLast(suffix.count)))
    }

    private static func isHexDigit(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46)
    }
}
