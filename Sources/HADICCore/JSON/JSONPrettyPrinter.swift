/// Human-readable JSON output for logs and the command line (never for hashing or signing).
///
/// Guarantees: the output is valid JSON that parses back to an equal ``JSONValue``; object
/// members are in RFC 8785 order; strings and numbers are written exactly as in the
/// canonical form (``CanonicalJSON``); each array element and object member is on its own
/// line indented by `indentWidth` spaces per level, members as `"name": value`; empty arrays
/// and objects are written `[]` and `{}`; there is no trailing newline.
public enum JSONPrettyPrinter {
    /// The pretty-printed text of `value`.
    public static func string(for value: JSONValue, indentWidth: Int = 2) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        write(value, level: 0, indentWidth: max(0, indentWidth), to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static func newline(level: Int, indentWidth: Int, to out: inout [UInt8]) {
        out.append(0x0A)
        let n = level * indentWidth
        if n > 0 { out.append(contentsOf: repeatElement(0x20 as UInt8, count: n)) }
    }

    private static func write(_ value: JSONValue, level: Int, indentWidth: Int, to out: inout [UInt8]) {
        switch value {
        case .array(let items):
            guard !items.isEmpty else {
                out.append(0x5B)
                out.append(0x5D)
                return
            }
            out.append(0x5B)
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(0x2C) }
                newline(level: level + 1, indentWidth: indentWidth, to: &out)
                write(item, level: level + 1, indentWidth: indentWidth, to: &out)
            }
            newline(level: level, indentWidth: indentWidth, to: &out)
            out.append(0x5D)
        case .object(let members):
            guard !members.isEmpty else {
                out.append(0x7B)
                out.append(0x7D)
                return
            }
            out.append(0x7B)
            for (i, member) in CanonicalJSON.sortedMembers(members).enumerated() {
                if i > 0 { out.append(0x2C) }
                newline(level: level + 1, indentWidth: indentWidth, to: &out)
                JSONStringEscaping.appendQuoted(member.key, to: &out)
                out.append(0x3A)
                out.append(0x20)
                write(member.value, level: level + 1, indentWidth: indentWidth, to: &out)
            }
            newline(level: level, indentWidth: indentWidth, to: &out)
            out.append(0x7D)
        default:
            CanonicalJSON.append(value, to: &out)
        }
    }
}
