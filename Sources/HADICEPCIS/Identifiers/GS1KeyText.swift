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
        let b = Array(text.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "%") {
                guard i + 2 < b.count, let hi = hexValue(b[i + 1]), let lo = hexValue(b[i + 2]) else { return nil }
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return out.allSatisfy(isCharset82) ? out : nil
    }

    /// EPC URI encoding (TDS 2.x, section 6): `"`, `%`, `&`, `/`, `<`, `>`, `?` are escaped.
    static func epcEncode(_ raw: [UInt8]) -> String {
        encode(raw) { c in [0x22, 0x25, 0x26, 0x2F, 0x3C, 0x3E, 0x3F].contains(c) }
    }

    /// GS1 Digital Link encoding: everything but unreserved characters and `'`, `;`, `=` is
    /// escaped with upper-case hex (`!` -> `%21`, `/` -> `%2F`, `:` -> `%3A`).
    static func digitalLinkEncode(_ raw: [UInt8]) -> String {
        encode(raw) { c in
            !((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || [0x2D, 0x2E, 0x5F, 0x7E, 0x27, 0x3B, 0x3D].contains(c))
        }
    }

    static func isDigits(_ s: some StringProtocol, count: ClosedRange<Int>) -> Bool {
        count.contains(s.utf8.count) && s.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    private static func encode(_ raw: [UInt8], escape: (UInt8) -> Bool) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for c in raw {
            if escape(c) {
                out += [UInt8(ascii: "%"), hex[Int(c >> 4)], hex[Int(c & 0xF)]]
            } else {
                out.append(c)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }
}
