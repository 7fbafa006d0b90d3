/// RFC 3986 percent-encoding (`%` and two upper-case hex digits), with the set of escaped bytes
/// left to each URI syntax that uses it (EPC URIs, GS1 Digital Links, HADIC's own URNs).
enum PercentEncoding {
    /// `raw` with every byte for which `escape` holds written as `%XX`.
    static func encode(_ raw: some Sequence<UInt8>, escaping escape: (UInt8) -> Bool) -> String {
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

    /// The bytes of `text` with `%XX` escapes undone (either case of hex); nil on a `%` not
    /// followed by two hex digits. Which bytes may appear, escaped or not, is the caller's rule.
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
        return out
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
