/// The identifier of a party (an organisation) on the ledger.
///
/// Lowercase ASCII letters, digits and hyphens, 1 to 64 characters, starting with a letter or
/// digit: short enough to read in a log line, and safe as the prefix of a party's own lot ids.
public struct PartyID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard (1...64).contains(bytes.count), bytes[0] != UInt8(ascii: "-") else { return nil }
        for b in bytes {
            let ok = (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: "-")
            if !ok { return nil }
        }
        rawValue = text
    }

    public var description: String { rawValue }
    public static func < (a: PartyID, b: PartyID) -> Bool { a.rawValue < b.rawValue }
}
