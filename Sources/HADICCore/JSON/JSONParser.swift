/// A strict, single-pass RFC 8259 parser over a UTF-8 byte buffer, enforcing the I-JSON
/// (RFC 7493) restrictions that RFC 8785 requires.
///
/// Guarantees: a document is accepted only if it is exactly one JSON value, optionally
/// surrounded by space/tab/CR/LF, with no byte order mark; strings are well-formed UTF-8
/// without unescaped control characters and with only the RFC 8259 escapes, and `\u`
/// escapes of surrogates come in high-low pairs; numbers follow the RFC 8259 grammar (no
/// leading zeros, `+`, bare `.`, NaN/Infinity) and convert (correctly rounded, through
/// `Double(String)`) to a finite double; no object has two members with the same name;
/// nesting and size stay within ``JSONLimits``. Anything else throws a ``JSONParseError``
/// naming the first problem and its byte offset. The parser never traps on input.
@usableFromInline
internal struct JSONParser {
    private struct Member {
        var key: String
        var value: JSONValue
        var offset: Int
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private let end: Int
    private let maxDepth: Int
    private var pos = 0
    private var scratch: [UInt8] = []
    private var valueStack: [JSONValue] = []
    private var memberStack: [Member] = []

    private init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.end = bytes.count
        self.maxDepth = maxDepth
    }

    /// Parses one whole document.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, limits: JSONLimits) throws(JSONParseError) -> JSONValue {
        guard bytes.count <= limits.maxBytes else {
            throw .tooLarge(byteCount: bytes.count, maxBytes: limits.maxBytes)
        }
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF {
            throw .byteOrderMark
        }
        var parser = JSONParser(bytes: bytes, maxDepth: limits.maxDepth)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.pos == parser.end else { throw .trailingData(offset: parser.pos) }
        return value
    }

    /// ``parse(_:limits:)`` as a `Result`, for use inside non-throwing closures.
    @usableFromInline
    static func parseResult(_ bytes: UnsafeBufferPointer<UInt8>, limits: JSONLimits) -> Result<JSONValue, JSONParseError> {
        do throws(JSONParseError) {
            return .success(try parse(bytes, limits: limits))
        } catch {
            return .failure(error)
        }
    }

    // MARK: - Structure

    @inline(__always)
    private mutating func skipWhitespace() {
        while pos < end {
            let b = bytes[pos]
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            pos += 1
        }
    }

    @inline(__always)
    private func unexpected() -> JSONParseError {
        pos < end ? .unexpectedByte(offset: pos, byte: bytes[pos]) : .unexpectedEnd(offset: end)
    }

    /// Parses a value starting at `pos` (whitespace already skipped). `depth` is the number
    /// of arrays/objects enclosing it.
    private mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard pos < end else { throw .unexpectedEnd(offset: end) }
        switch bytes[pos] {
        case 0x22:  // "
            return .string(try parseString())
        case 0x7B:  // {
            return try parseObject(depth: depth + 1)
        case 0x5B:  // [
            return try parseArray(depth: depth + 1)
        case 0x74:  // t
            try expectLiteral("true")
            return .bool(true)
        case 0x66:  // f
            try expectLiteral("false")
            return .bool(false)
        case 0x6E:  // n
            try expectLiteral("null")
            return .null
        case 0x2D, 0x30...0x39:
            return .number(try parseNumber())
        default:
            throw unexpected()
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let p = literal.utf8Start
        let n = literal.utf8CodeUnitCount
        for j in 0..<n {
            guard pos + j < end else { throw .unexpectedEnd(offset: end) }
            let b = bytes[pos + j]
            guard b == p[j] else { throw .unexpectedByte(offset: pos + j, byte: b) }
        }
        pos += n
    }

    private mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= maxDepth else { throw .tooDeep(offset: pos, maxDepth: maxDepth) }
        pos += 1  // [
        skipWhitespace()
        guard pos < end else { throw .unexpectedEnd(offset: end) }
        if bytes[pos] == 0x5D {
            pos += 1
            return .array([])
        }
        if valueStack.capacity == 0 { valueStack.reserveCapacity(16) }
        let base = valueStack.count
        while true {
            let value = try parseValue(depth: depth)
            valueStack.append(value)
            skipWhitespace()
            guard pos < end else { throw .unexpectedEnd(offset: end) }
            let b = bytes[pos]
            if b == 0x2C {  // ,
                pos += 1
                skipWhitespace()
            } else if b == 0x5D {  // ]
                pos += 1
                break
            } else {
                throw .unexpectedByte(offset: pos, byte: b)
            }
        }
        let items = Array(valueStack[base...])
        valueStack.removeLast(valueStack.count - base)
        return .array(items)
    }

    private mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= maxDepth else { throw .tooDeep(offset: pos, maxDepth: maxDepth) }
        pos += 1  // {
        skipWhitespace()
        guard pos < end else { throw .unexpectedEnd(offset: end) }
        if bytes[pos] == 0x7D {
            pos += 1
            return .object([:])
        }
        if memberStack.capacity == 0 { memberStack.reserveCapacity(32) }
        let base = memberStack.count
        while true {
            guard pos < end, bytes[pos] == 0x22 else { throw unexpected() }
            let keyOffset = pos
            let key = try parseString()
            skipWhitespace()
            guard pos < end, bytes[pos] == 0x3A else { throw unexpected() }  // :
            pos += 1
            skipWhitespace()
            let value = try parseValue(depth: depth)
            memberStack.append(Member(key: key, value: value, offset: keyOffset))
            skipWhitespace()
            guard pos < end else { throw .unexpectedEnd(offset: end) }
            let b = bytes[pos]
            if b == 0x2C {  // ,
                pos += 1
                skipWhitespace()
            } else if b == 0x7D {  // }
                pos += 1
                break
            } else {
                throw .unexpectedByte(offset: pos, byte: b)
            }
        }
        var members = [String: JSONValue](minimumCapacity: memberStack.count - base)
        for m in memberStack[base...] {
            if members.updateValue(m.value, forKey: m.key) != nil {
                throw .duplicateKey(offset: m.offset, key: m.key)
            }
        }
        memberStack.removeLast(memberStack.count - base)
        return .object(members)
    }

    // MARK: - Numbers

    /// 10^0 ... 10^22, all exactly representable as doubles.
    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    @inline(__always)
    private func isDigit(_ i: Int) -> Bool {
        i < end && bytes[i] &- 0x30 < 10
    }

    private mutating func parseNumber() throws(JSONParseError) -> JSONNumber {
        let start = pos
        var i = pos
        if bytes[i] == 0x2D { i += 1 }  // -
        guard i < end else { throw .invalidNumber(offset: start) }
        // Decimal significand digits (leading zeros skipped), for the exact fast path.
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var fractionDigits = 0
        var exponentIsSmall = true
        var exponent = 0
        if bytes[i] == 0x30 {
            i += 1
            if isDigit(i) { throw .invalidNumber(offset: start) }  // leading zero
        } else if bytes[i] &- 0x31 < 9 {
            while isDigit(i) {
                mantissa = mantissa &* 10 &+ UInt64(bytes[i] &- 0x30)
                significantDigits += 1
                i += 1
            }
        } else {
            throw .invalidNumber(offset: start)
        }
        if i < end && bytes[i] == 0x2E {  // .
            i += 1
            guard isDigit(i) else { throw .invalidNumber(offset: start) }
            while isDigit(i) {
                let d = bytes[i] &- 0x30
                if significantDigits > 0 || d != 0 {
                    significantDigits += 1
                    mantissa = mantissa &* 10 &+ UInt64(d)
                }
                fractionDigits += 1
                i += 1
            }
        }
        if i < end && (bytes[i] == 0x65 || bytes[i] == 0x45) {  // e E
            i += 1
            var negativeExponent = false
            if i < end && (bytes[i] == 0x2B || bytes[i] == 0x2D) {
                negativeExponent = bytes[i] == 0x2D
                i += 1
            }
            guard isDigit(i) else { throw .invalidNumber(offset: start) }
            while isDigit(i) {
                if exponent < 1_000 {
                    exponent = exponent * 10 + Int(bytes[i] &- 0x30)
                } else {
                    exponentIsSmall = false
                }
                i += 1
            }
            if negativeExponent { exponent = -exponent }
        }
        pos = i
        let literal = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        let value: Double
        let scale = exponent - fractionDigits
        if significantDigits <= 15 && exponentIsSmall && scale >= -22 && scale <= 22 {
            // Exact fast path (Clinger): the significand (< 10^15 < 2^53) and 10^|scale|
            // (|scale| <= 22) are exact doubles, so one IEEE multiply/divide is correctly rounded.
            let m = Double(mantissa)
            let magnitude = scale < 0 ? m / Self.powersOfTen[-scale] : m * Self.powersOfTen[scale]
            value = bytes[start] == 0x2D ? -magnitude : magnitude
        } else {
            guard let v = Double(literal) else { throw .invalidNumber(offset: start) }
            value = v
        }
        guard value.isFinite else { throw .numberOutOfRange(offset: start) }
        return JSONNumber(parsed: value, literal: literal)
    }

    // MARK: - Strings

    /// Parses a string whose opening quote is at `pos`.
    private mutating func parseString() throws(JSONParseError) -> String {
        let start = pos + 1
        var i = start
        // Fast path: no escapes. Validate UTF-8 in place, then build the String from the slice.
        while i < end {
            i = skipPlainASCII(from: i)
            guard i < end else { break }
            let b = bytes[i]
            if b == 0x22 {
                pos = i + 1
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
            }
            if b == 0x5C {
                return try parseEscapedString(start: start, firstEscape: i)
            }
            if b < 0x20 {
                throw .controlCharacterInString(offset: i, byte: b)
            }
            if b < 0x80 {
                i += 1
            } else {
                i = try validateUTF8Sequence(at: i)
            }
        }
        throw .unexpectedEnd(offset: end)
    }

    /// Skips 8-byte blocks that contain only printable ASCII other than `"` and `\`;
    /// returns the first index not skipped.
    @inline(__always)
    private func skipPlainASCII(from start: Int) -> Int {
        guard let base = bytes.baseAddress else { return start }
        var i = start
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while i + 8 <= end {
            let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            let quote = w ^ (ones &* 0x22)
            let backslash = w ^ (ones &* 0x5C)
            let special = (w | ((w &- ones &* 0x20) & ~w)  // high bit set, or byte < 0x20
                | ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)) & highs
            if special != 0 { break }
            i += 8
        }
        return i
    }

    /// Slow path: the string from `start` has its first backslash at `firstEscape`.
    private mutating func parseEscapedString(start: Int, firstEscape: Int) throws(JSONParseError) -> String {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<firstEscape]))
        var i = firstEscape
        var runStart = i
        while i < end {
            let b = bytes[i]
            if b == 0x22 {
                if runStart < i { scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
                pos = i + 1
                return String(decoding: scratch, as: UTF8.self)
            }
            if b == 0x5C {
                if runStart < i { scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
                i = try decodeEscape(at: i)
                runStart = i
                continue
            }
            if b < 0x20 {
                throw .controlCharacterInString(offset: i, byte: b)
            }
            if b < 0x80 {
                i += 1
            } else {
                i = try validateUTF8Sequence(at: i)
            }
        }
        throw .unexpectedEnd(offset: end)
    }

    /// Decodes the escape whose backslash is at `at` into `scratch`; returns the index after it.
    private mutating func decodeEscape(at: Int) throws(JSONParseError) -> Int {
        guard at + 1 < end else { throw .unexpectedEnd(offset: end) }
        let c = bytes[at + 1]
        let simple: UInt8
        switch c {
        case 0x22: simple = 0x22  // \"
        case 0x5C: simple = 0x5C  // \\
        case 0x2F: simple = 0x2F  // \/
        case 0x62: simple = 0x08  // \b
        case 0x66: simple = 0x0C  // \f
        case 0x6E: simple = 0x0A  // \n
        case 0x72: simple = 0x0D  // \r
        case 0x74: simple = 0x09  // \t
        case 0x75:  // \u
            let unit = try hex4(escapeAt: at)
            var scalar: UInt32
            var next = at + 6
            if unit >= 0xD800 && unit <= 0xDBFF {
                // Must be followed by a \uDC00...\uDFFF escape.
                guard next + 1 < end, bytes[next] == 0x5C, bytes[next + 1] == 0x75 else {
                    throw .loneSurrogate(offset: at)
                }
                let low = try hex4(escapeAt: next)
                guard low >= 0xDC00 && low <= 0xDFFF else { throw .loneSurrogate(offset: at) }
                scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                next += 6
            } else if unit >= 0xDC00 && unit <= 0xDFFF {
                throw .loneSurrogate(offset: at)
            } else {
                scalar = unit
            }
            appendUTF8(scalar)
            return next
        default:
            throw .invalidEscape(offset: at)
        }
        scratch.append(simple)
        return at + 2
    }

    /// The four hex digits after the `\u` whose backslash is at `escapeAt`.
    private func hex4(escapeAt: Int) throws(JSONParseError) -> UInt32 {
        guard escapeAt + 6 <= end else {
            // Report a bad digit before the end if there is one.
            var j = escapeAt + 2
            while j < end {
                if hexValue(bytes[j]) == nil { throw .invalidEscape(offset: escapeAt) }
                j += 1
            }
            throw .unexpectedEnd(offset: end)
        }
        var v: UInt32 = 0
        for j in (escapeAt + 2)..<(escapeAt + 6) {
            guard let h = hexValue(bytes[j]) else { throw .invalidEscape(offset: escapeAt) }
            v = v << 4 | h
        }
        return v
    }

    @inline(__always)
    private func hexValue(_ b: UInt8) -> UInt32? {
        switch b {
        case 0x30...0x39: return UInt32(b - 0x30)
        case 0x41...0x46: return UInt32(b - 0x41 + 10)
        case 0x61...0x66: return UInt32(b - 0x61 + 10)
        default: return nil
        }
    }

    private mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(truncatingIfNeeded: scalar))
        case 0x80..<0x800:
            scratch.append(0xC0 | UInt8(truncatingIfNeeded: scalar >> 6))
            scratch.append(0x80 | UInt8(truncatingIfNeeded: scalar & 0x3F))
        case 0x800..<0x10000:
            scratch.append(0xE0 | UInt8(truncatingIfNeeded: scalar >> 12))
            scratch.append(0x80 | UInt8(truncatingIfNeeded: (scalar >> 6) & 0x3F))
            scratch.append(0x80 | UInt8(truncatingIfNeeded: scalar & 0x3F))
        default:
            scratch.append(0xF0 | UInt8(truncatingIfNeeded: scalar >> 18))
            scratch.append(0x80 | UInt8(truncatingIfNeeded: (scalar >> 12) & 0x3F))
            scratch.append(0x80 | UInt8(truncatingIfNeeded: (scalar >> 6) & 0x3F))
            scratch.append(0x80 | UInt8(truncatingIfNeeded: scalar & 0x3F))
        }
    }

    /// Checks the multi-byte UTF-8 sequence whose lead byte (>= 0x80) is at `i` (RFC 3629
    /// table: no overlong forms, no surrogates, nothing above U+10FFFF); returns the index
    /// after it.
    @inline(__always)
    private func validateUTF8Sequence(at i: Int) throws(JSONParseError) -> Int {
        let lead = bytes[i]
        let length: Int
        var lower: UInt8 = 0x80
        var upper: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; lower = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; upper = 0x9F
        case 0xF0: length = 4; lower = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; upper = 0x8F
        default: throw .invalidUTF8(offset: i)
        }
        guard i + length <= end else {
            // Truncated: still report a bad continuation byte when there is one.
            for j in (i + 1)..<end where bytes[j] & 0xC0 != 0x80 { throw .invalidUTF8(offset: i) }
            throw .unexpectedEnd(offset: end)
        }
        let second = bytes[i + 1]
        guard second >= lower && second <= upper else { throw .invalidUTF8(offset: i) }
        if length >= 3 {
            guard bytes[i + 2] & 0xC0 == 0x80 else { throw .invalidUTF8(offset: i) }
            if length == 4 {
                guard bytes[i + 3] & 0xC0 == 0x80 else { throw .invalidUTF8(offset: i) }
            }
        }
        return i + length
    }
}
