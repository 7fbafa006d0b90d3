/// Why a byte sequence is not accepted as one strict I-JSON (RFC 8259 + RFC 7493) document.
///
/// Guarantees: every case that concerns a position carries the zero-based byte `offset`
/// into the input where the problem was detected, and `description` is a one-line English
/// message naming the problem and that offset. Equality compares case and payload.
public enum JSONParseError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The input ended where more was required (empty input, unterminated string, array,
    /// object or literal). `offset` is the input length.
    case unexpectedEnd(offset: Int)
    /// A byte that cannot start or continue the expected token (including non-JSON
    /// whitespace, `+`, `.5`, `NaN`, `Infinity`, trailing commas, single quotes).
    case unexpectedByte(offset: Int, byte: UInt8)
    /// The input starts with a UTF-8 byte order mark (EF BB BF), which RFC 8259 forbids
    /// generators to add and HADIC refuses.
    case byteOrderMark
    /// A malformed number: leading zero (`01`), missing digits (`-`, `1.`, `1e`, `-x`).
    /// `offset` is where the number starts.
    case invalidNumber(offset: Int)
    /// A number whose value overflows IEEE-754 binary64 to ±Infinity (I-JSON: only finite
    /// doubles). `offset` is where the number starts.
    case numberOutOfRange(offset: Int)
    /// An unescaped byte U+0000...U+001F inside a string.
    case controlCharacterInString(offset: Int, byte: UInt8)
    /// A backslash escape that is not one of `\" \\ \/ \b \f \n \r \t \uXXXX` (or a `\u`
    /// without four hex digits). `offset` is the backslash.
    case invalidEscape(offset: Int)
    /// A `\uD800`...`\uDFFF` escape that is not part of a high-low surrogate pair.
    /// `offset` is the backslash of the offending escape.
    case loneSurrogate(offset: Int)
    /// Bytes inside a string that are not well-formed UTF-8 (overlong forms, encoded
    /// surrogates, code points above U+10FFFF, stray continuation bytes, truncation).
    case invalidUTF8(offset: Int)
    /// An object has two members with the same name (after unescaping; names that Swift
    /// considers canonically equivalent also count as the same name). `offset` is the
    /// opening quote of the second occurrence.
    case duplicateKey(offset: Int, key: String)
    /// Arrays/objects nested deeper than the limit; `offset` is the opening bracket that
    /// exceeded it.
    case tooDeep(offset: Int, maxDepth: Int)
    /// The input is longer than the limit.
    case tooLarge(byteCount: Int, maxBytes: Int)
    /// Non-whitespace bytes follow the single top-level value.
    case trailingData(offset: Int)

    /// The byte offset where the problem was detected, when it concerns a position.
    public var offset: Int? {
        switch self {
        case .unexpectedEnd(let o), .unexpectedByte(let o, _), .invalidNumber(let o),
             .numberOutOfRange(let o), .controlCharacterInString(let o, _), .invalidEscape(let o),
             .loneSurrogate(let o), .invalidUTF8(let o), .duplicateKey(let o, _),
             .tooDeep(let o, _), .trailingData(let o):
            return o
        case .byteOrderMark:
            return 0
        case .tooLarge:
            return nil
        }
    }

    public var description: String {
        switch self {
        case .unexpectedEnd(let o):
            return "unexpected end of input at offset \(o)"
        case .unexpectedByte(let o, let b):
            return "unexpected byte \(Self.show(b)) at offset \(o)"
        case .byteOrderMark:
            return "byte order mark at offset 0 is not allowed"
        case .invalidNumber(let o):
            return "malformed number at offset \(o)"
        case .numberOutOfRange(let o):
            return "number at offset \(o) is outside the finite IEEE-754 double range"
        case .controlCharacterInString(let o, let b):
            return "unescaped control character \(Self.show(b)) in string at offset \(o)"
        case .invalidEscape(let o):
            return "invalid escape sequence at offset \(o)"
        case .loneSurrogate(let o):
            return "lone UTF-16 surrogate escape at offset \(o)"
        case .invalidUTF8(let o):
            return "invalid UTF-8 at offset \(o)"
        case .duplicateKey(let o, let k):
            return "duplicate object key \"\(k.unicodeScalars.count > 64 ? String(k.unicodeScalars.prefix(64)) + "…" : k)\" at offset \(o)"
        case .tooDeep(let o, let max):
            return "nesting deeper than \(max) at offset \(o)"
        case .tooLarge(let n, let max):
            return "input of \(n) bytes exceeds the limit of \(max) bytes"
        case .trailingData(let o):
            return "unexpected data after the JSON value at offset \(o)"
        }
    }

    private static let hexDigits: [Character] = Array("0123456789ABCDEF")

    private static func show(_ b: UInt8) -> String {
        let hex = "0x" + String(hexDigits[Int(b >> 4)]) + String(hexDigits[Int(b & 0xF)])
        if b >= 0x21 && b < 0x7F {
            return hex + " ('" + String(Character(Unicode.Scalar(b))) + "')"
        }
        return hex
    }
}
