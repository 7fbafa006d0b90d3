/// Writes JSON string literals with the RFC 8785 / ECMAScript `JSON.stringify` escaping.
///
/// Guarantees: output is `"` + the string's UTF-8 with exactly these replacements + `"`:
/// U+0022 → `\"`, U+005C → `\\`, U+0008 → `\b`, U+000C → `\f`, U+000A → `\n`, U+000D → `\r`,
/// U+0009 → `\t`, any other U+0000...U+001F → `\u00xx` with lowercase hex digits. Nothing
/// else is escaped (not `/`, not U+007F, not non-ASCII). The Unicode scalars of the string
/// are written as stored (no normalization).
public enum JSONStringEscaping {
    /// Appends `string` as a quoted, escaped JSON string literal.
    public static func appendQuoted(_ string: String, to out: inout [UInt8]) {
        out.append(0x22)
        var s = string
        s.withUTF8 { buf in
            var runStart = 0
            let n = buf.count
            var i = skipPlain(buf, from: 0)
            if i == n {
                out.append(contentsOf: buf)
                return
            }
            while i < n {
                let b = buf[i]
                if b >= 0x20 && b != 0x22 && b != 0x5C {
                    i += 1
                    continue
                }
                if runStart < i {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[runStart..<i]))
                }
                appendEscape(b, to: &out)
                i += 1
                runStart = i
            }
            if runStart < n {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[runStart..<n]))
            }
        }
        out.append(0x22)
    }

    /// Skips 8-byte blocks with no byte < 0x20, `"` or `\`; returns the first index not skipped.
    @inline(__always)
    private static func skipPlain(_ buf: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = buf.baseAddress else { return start }
        let n = buf.count
        var i = start
        let ones: UInt64 = 0x0101_0101_0101_0101
        while i + 8 <= n {
            let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            let quote = w ^ (ones &* 0x22)
            let backslash = w ^ (ones &* 0x5C)
            // Byte-wise "< 0x20" / "== 0" tests, restricted to bytes below 0x80 (~w).
            let special = ((w &- ones &* 0x20) | (quote &- ones) | (backslash &- ones))
                & ~w & ~quote & ~backslash & 0x8080_8080_8080_8080
            if special != 0 { break }
            i += 8
        }
        while i < n {
            let b = buf[i]
            if b < 0x20 || b == 0x22 || b == 0x5C { return i }
            i += 1
        }
        return n
    }

    private static let hex: StaticString = "0123456789abcdef"

    private static func appendEscape(_ b: UInt8, to out: inout [UInt8]) {
        out.append(0x5C)  // backslash
        switch b {
        case 0x22: out.append(0x22)
        case 0x5C: out.append(0x5C)
        case 0x08: out.append(0x62)  // b
        case 0x0C: out.append(0x66)  // f
        case 0x0A: out.append(0x6E)  // n
        case 0x0D: out.append(0x72)  // r
        case 0x09: out.append(0x74)  // t
        default:
            out.append(0x75)  // u
            out.append(0x30)
            out.append(0x30)
            out.append(hex.utf8Start[Int(b >> 4)])
            out.append(hex.utf8Start[Int(b & 0x0F)])
        }
    }
}
