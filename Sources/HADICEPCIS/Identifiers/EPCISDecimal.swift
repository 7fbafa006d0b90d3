/// Numbers as the EPCIS event hash writes them (CBV 2.0 section 8.9, rules 6 and 7): plain
/// decimal text without exponent, without leading zeros and without trailing zeros.
///
/// Everything works on the decimal digits of the source text, never through `Double`, so
/// `0.1`, `10.50` and `123456789012345678901` keep their exact values.
public enum EPCISDecimal {
    /// The canonical text of a number written as `[+-]digits[.digits][(e|E)[+-]digits]` (the
    /// JSON grammar, plus a leading `+` or a leading zero as XML text may have); nil when `text`
    /// is not such a number. `10.50` -> `10.5`, `1e2` -> `100`, `0.000` -> `0`, `-0` -> `0`,
    /// `1.5e-3` -> `0.0015`. Exponents beyond ±400 are refused (no double is that large or
    /// small beyond subnormals, and the text would be unbounded).
    public static func canonical(_ text: String) -> String? {
        let b = Array(text.utf8)
        var i = 0
        var negative = false
        if i < b.count, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") {
            negative = b[i] == UInt8(ascii: "-")
            i += 1
        }
        var digits: [UInt8] = []
        var pointPosition: Int? = nil
        var sawDigit = false
        while i < b.count {
            let c = b[i]
            if c >= 0x30 && c <= 0x39 {
                digits.append(c - 0x30)
                sawDigit = true
            } else if c == UInt8(ascii: "."), pointPosition == nil {
                pointPosition = digits.count
            } else {
                break
            }
            i += 1
        }
        guard sawDigit else { return nil }
        if let p = pointPosition, p == digits.count || p == 0 { return nil }  // "1." and ".5" are not numbers
        var exponent = 0
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            var expNegative = false
            if i < b.count, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") {
                expNegative = b[i] == UInt8(ascii: "-")
                i += 1
            }
            let start = i
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                exponent = exponent * 10 + Int(b[i] - 0x30)
                guard exponent <= 400 else { return nil }
                i += 1
            }
            guard i > start else { return nil }
            if expNegative { exponent = -exponent }
        }
        guard i == b.count else { return nil }
        // value = 0.digits... shifted: the decimal point sits after `point` digits.
        var point = (pointPosition ?? digits.count) + exponent
        // Drop leading zeros (moving the point) and trailing zeros.
        while let first = digits.first, first == 0 { digits.removeFirst(); point -= 1 }
        while let last = digits.last, last == 0 { digits.removeLast() }
        if digits.isEmpty { return "0" }
        var out = negative ? "-" : ""
        if point <= 0 {
            out += "0." + String(repeating: "0", count: -point) + string(digits)
        } else if point >= digits.count {
            out += string(digits) + String(repeating: "0", count: point - digits.count)
        } else {
            out += string(digits[0..<point]) + "." + string(digits[point...])
        }
        return out
    }

    private static func string(_ d: some Sequence<UInt8>) -> String {
        String(decoding: d.map { $0 + 0x30 }, as: UTF8.self)
    }
}
