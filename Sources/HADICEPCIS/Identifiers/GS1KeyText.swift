/// The character rules shared by EPC URIs and GS1 Digital Link URIs for the alphanumeric parts
/// of GS1 keys (serials, lots, asset references): GS1 AI encodable character set 82, and how
/// each URI syntax percent-encodes it.
enum GS1KeyText {
    /// Whether `c` is in GS1 AI encodable character set 82.
    static func isCharset82(_ c: UInt8) -> Bool {
        switch c {
        case 0x21, 0x22, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x2B, 0x2C, 0x2D, 0x2E, 0x2F,
             0x30...0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F, 0x41...0x5A, 0x5F, 0x61...0x7A:
            return true
        default:
            return false
        }
    }

    /// Decodes `%XX` escapes; nil on a broken escape or a decoded byte outside character set 82.
    static func decode(_ text: some StringProtocol) -> [UInt8]? {
        guard let out = PercentEncoding.decode(text), out.allSatisfy(isCharset82) else { return nil }
        return out
    }

    /// EPC URI encoding (TDS 2.x, section 6): `"`, `%`, `&`, `/`, `<`, `>`, `?` are escaped.
    static func epcEncode(_ raw: [UInt8]) -> String {
        PercentEncoding.encode(raw) { c in [0x22, 0x25, 0x26, 0x2F, 0x3C, 0x3E, 0x3F].contains(c) }
    }

    /// GS1 Digital Link encoding: everything but unreserved characters and `'`, `;`, `=` is
    /// escaped with upper-case hex (`!` -> `%21`, `/` -> `%2F`, `:` -> `%3A`).
    static func digitalLinkEncode(_ raw: [UInt8]) -> String {
        PercentEncoding.encode(raw) { c in
            !((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || [0x2D, 0x2E, 0x5F, 0x7E, 0x27, 0x3B, 0x3D].contains(c))
        }
    }

    static func isDigits(_ s: some StringProtocol, count: ClosedRange<Int>) -> Bool {
        count.contains(s.utf8.count) && s.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }
}
