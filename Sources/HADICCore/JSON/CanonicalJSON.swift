/// The RFC 8785 JSON Canonicalization Scheme (JCS) serializer.
///
/// Guarantees: for a given ``JSONValue`` the output is one exact UTF-8 byte sequence, the one
/// RFC 8785 section 3.2 defines:
/// - no whitespace between tokens;
/// - object members sorted by their names' UTF-16 code units, compared lexicographically
///   as unsigned integers (section 3.2.3), recursively;
/// - strings written as ECMAScript `JSON.stringify` does: `\"`, `\\`, `\b`, `\f`, `\n`, `\r`,
///   `\t` for those characters, `\u00xx` (lowercase hex) for the other U+0000...U+001F, and
///   every other character (including `/`, U+007F and all non-ASCII) as its literal UTF-8;
/// - numbers in ECMAScript `Number::toString` form (section 3.2.2.3, see
///   ``ECMAScriptNumberFormatter``); `true`, `false`, `null` as themselves.
/// The output parses back (`JSONValue.parse`) to a value equal to the input.
public enum CanonicalJSON {
    /// The canonical UTF-8 bytes of `value`.
    public static func encode(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        append(value, to: &out)
        return out
    }

    /// Appends the canonical UTF-8 bytes of `value` to `out` (useful to prefix a domain
    /// separator without copying).
    public static func append(_ value: JSONValue, to out: inout [UInt8]) {
        switch value {
        case .null:
            appendASCII("null", to: &out)
        case .bool(let b):
            appendASCII(b ? "true" : "false", to: &out)
        case .number(let n):
            ECMAScriptNumberFormatter.appendFinite(n.double, to: &out)
        case .string(let s):
            JSONStringEscaping.appendQuoted(s, to: &out)
        case .array(let items):
            out.append(0x5B)  // [
            var first = true
            for item in items {
                if !first { out.append(0x2C) }
                first = false
                append(item, to: &out)
            }
            out.append(0x5D)  // ]
        case .object(let members):
            out.append(0x7B)  // {
            var first = true
            for index in sortedIndices(members) {
                if !first { out.append(0x2C) }
                first = false
                let member = members[index]
                JSONStringEscaping.appendQuoted(member.key, to: &out)
                out.append(0x3A)  // :
                append(member.value, to: &out)
            }
            out.append(0x7D)  // }
        }
    }

    /// True when `a` sorts before `b` in RFC 8785 order: lexicographic comparison of the
    /// UTF-16 code units (a proper prefix sorts first).
    ///
    /// Works on the UTF-8 bytes: UTF-8 byte order equals code point order, which differs
    /// from UTF-16 order only between supplementary characters (UTF-8 lead F0...F4, UTF-16
    /// surrogates D800...DFFF) and U+E000...U+FFFF (UTF-8 lead EE...EF), where it is fixed up.
    public static func keyPrecedes(_ a: String, _ b: String) -> Bool {
        let contiguous = a.utf8.withContiguousStorageIfAvailable { pa in
            b.utf8.withContiguousStorageIfAvailable { pb in utf8Precedes(pa, pb) }
        }
        if let result = contiguous ?? nil { return result }
        var ia = a.utf8.makeIterator()
        var ib = b.utf8.makeIterator()
        while true {
            guard let x = ia.next() else { return ib.next() != nil }
            guard let y = ib.next() else { return false }
            if x != y {
                // Differing bytes after an equal prefix are either both lead bytes or both
                // continuation bytes of scalars with the same lead byte.
                if x >= 0xEE && y >= 0xEE {
                    let xSupplementary = x >= 0xF0
                    let ySupplementary = y >= 0xF0
                    if xSupplementary != ySupplementary { return xSupplementary }
                }
                return x < y
            }
        }
    }

    /// ``keyPrecedes(_:_:)`` on UTF-8 buffers.
    @inline(__always)
    private static func utf8Precedes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = min(a.count, b.count)
        var i = 0
        while i < n {
            let x = a[i]
            let y = b[i]
            if x != y {
                if x >= 0xEE && y >= 0xEE {
                    let xSupplementary = x >= 0xF0
                    let ySupplementary = y >= 0xF0
                    if xSupplementary != ySupplementary { return xSupplementary }
                }
                return x < y
            }
            i += 1
        }
        return a.count < b.count
    }

    /// The indices of an object's members in RFC 8785 order.
    internal static func sortedIndices(_ members: [String: JSONValue]) -> [Dictionary<String, JSONValue>.Index] {
        var order = Array(members.indices)
        order.sort { keyPrecedes(members[$0].key, members[$1].key) }
        return order
    }

    /// The members of an object in RFC 8785 order.
    internal static func sortedMembers(_ members: [String: JSONValue]) -> [(key: String, value: JSONValue)] {
        sortedIndices(members).map { members[$0] }
    }

    @inline(__always)
    internal static func appendASCII(_ s: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }
}
