/// A GS1 CBV 2.0 event hash as a URI: `ni:///sha-256;<64 lowercase hex>?ver=<version>`
/// (RFC 6920 "named information" form, as the GS1 EPCIS event hash algorithm writes it).
///
/// Guarantees: `text` is exactly that shape (one spelling: lowercase hex, no authority, the
/// `ver` parameter present and made of letters, digits and `.`); `version` is its `ver` value
/// (`CBV2.0`). Whether it is the hash *of* a given event is HADICEPCIS's to compute; this type
/// only keeps and compares the text, so HADICCore needs no EPCIS code.
public struct EPCISHashURI: Hashable, Sendable, CustomStringConvertible {
    public let text: String
    public let version: String

    static let prefix = "ni:///sha-256;"
    static let versionMarker = "?ver="

    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        let p = Array(Self.prefix.utf8), m = Array(Self.versionMarker.utf8)
        guard bytes.count > p.count + 64 + m.count, bytes.starts(with: p) else { return nil }
        let hex = bytes[p.count..<(p.count + 64)]
        guard hex.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) else { return nil }
        let rest = bytes[(p.count + 64)...]
        guard rest.starts(with: m) else { return nil }
        let version = rest.dropFirst(m.count)
        guard !version.isEmpty, version.count <= 32,
              version.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 == 0x2E }) else { return nil }
        self.text = text
        self.version = String(decoding: version, as: UTF8.self)
    }

    public var description: String { text }
}
