/// Standard base64 (RFC 4648 section 4, alphabet `A-Z a-z 0-9 + /`, with `=` padding).
///
/// Guarantees: `encode` writes the canonical form. `decode` accepts only the canonical form:
/// length a multiple of 4, padding only at the end, unused trailing bits zero, no whitespace.
/// So every byte string has exactly one accepted encoding and `encode(decode(s)!) == s`.
public enum Base64 {
    private static let alphabet: [UInt8] =
        Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    private static let reverse: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, char) in alphabet.enumerated() {
            table[Int(char)] = UInt8(index)
        }
        return table
    }()

    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        var out = [UInt8]()
        out.reserveCapacity((input.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= input.count {
            let n = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(alphabet[Int(n >> 6 & 63)])
            out.append(alphabet[Int(n & 63)])
            index += 3
        }
        switch input.count - index {
        case 1:
            let n = UInt32(input[index]) << 16
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(UInt8(ascii: "="))
            out.append(UInt8(ascii: "="))
        case 2:
            let n = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(alphabet[Int(n >> 6 & 63)])
            out.append(UInt8(ascii: "="))
        default:
            break
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ s: String) -> [UInt8]? {
        decode(utf8: Array(s.utf8))
    }

    /// Decodes canonical base64 given as UTF-8 bytes; nil if not canonical base64.
    public static func decode(utf8 input: some Collection<UInt8>) -> [UInt8]? {
        let chars = Array(input)
        guard chars.count % 4 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(chars.count / 4 * 3)
        var index = 0
        while index < chars.count {
            let isLast = index + 4 == chars.count
            let c0 = reverse[Int(chars[index])]
            let c1 = reverse[Int(chars[index + 1])]
            guard c0 != 0xFF, c1 != 0xFF else { return nil }
            let p2 = chars[index + 2] == UInt8(ascii: "=")
            let p3 = chars[index + 3] == UInt8(ascii: "=")
            if p2 || p3 {
                // Padding is only allowed in the final quantum, as "x=" or "==".
                guard isLast, p3 else { return nil }
                if p2 {
                    guard c1 & 0x0F == 0 else { return nil }  // unused bits must be zero
                    out.append(c0 << 2 | c1 >> 4)
                } else {
                    let c2 = reverse[Int(chars[index + 2])]
                    guard c2 != 0xFF, c2 & 0x03 == 0 else { return nil }
                    out.append(c0 << 2 | c1 >> 4)
                    out.append(c1 << 4 | c2 >> 2)
                }
            } else {
                let c2 = reverse[Int(chars[index + 2])]
                let c3 = reverse[Int(chars[index + 3])]
                guard c2 != 0xFF, c3 != 0xFF else { return nil }
                out.append(c0 << 2 | c1 >> 4)
                out.append(c1 << 4 | c2 >> 2)
                out.append(c2 << 6 | c3)
            }
            index += 4
        }
        return out
    }
}
