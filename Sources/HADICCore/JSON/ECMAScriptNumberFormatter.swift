/// Formats IEEE-754 doubles exactly as ECMAScript `Number::toString` (ECMA-262, radix 10)
/// does, which is the number serialization RFC 8785 section 3.2.2.3 prescribes.
///
/// Guarantees: for every finite double the output is the shortest decimal digit string that
/// round-trips to the same double (closest to the exact value; ties to even), laid out as
/// ECMAScript does: `-0` becomes `0`; values with decimal exponent `n` (value =
/// 0.d1d2…dk × 10^n) are written as integers padded with zeros when k <= n <= 21, with a
/// decimal point inside when 0 < n <= 21, as `0.000ddd` when -6 < n <= 0, and otherwise as
/// `d.ddde+N` / `d.ddde-N`. NaN and ±Infinity are not representable: ``string(from:)``
/// returns nil and ``append(_:to:)`` appends nothing and returns false.
public enum ECMAScriptNumberFormatter {
    /// The ECMAScript form of `value`, or nil when `value` is NaN or infinite.
    public static func string(from value: Double) -> String? {
        guard value.isFinite else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(24)
        appendFinite(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the ECMAScript form of `value` as ASCII bytes; returns false (appending
    /// nothing) when `value` is NaN or infinite.
    @discardableResult
    public static func append(_ value: Double, to out: inout [UInt8]) -> Bool {
        guard value.isFinite else { return false }
        appendFinite(value, to: &out)
        return true
    }

    /// `value` must be finite.
    @inline(__always)
    internal static func appendFinite(_ value: Double, to out: inout [UInt8]) {
        if value == 0 {
            out.append(0x30)  // "0" for both +0 and -0
            return
        }
        // Integers below 2^53 are their own shortest round-trip digits.
        if value.magnitude < 9_007_199_254_740_992.0 {
            let i = Int64(value)  // truncates; in range
            if Double(i) == value {
                appendInteger(i, to: &out)
                return
            }
        }
        appendGeneral(value, to: &out)
    }

    /// Appends the decimal digits of `value` (with a leading `-` when negative).
    internal static func appendInteger(_ value: Int64, to out: inout [UInt8]) {
        var m = value.magnitude
        if value < 0 { out.append(0x2D) }
        if m < 10 {
            out.append(0x30 &+ UInt8(truncatingIfNeeded: m))
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buf in
            var i = 20
            while m > 0 {
                i -= 1
                buf[i] = 0x30 &+ UInt8(truncatingIfNeeded: m % 10)
                m /= 10
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[i..<20]))
        }
    }

    /// Re-lays out the shortest round-trip digits of Swift's `description` per ECMA-262.
    private static func appendGeneral(_ value: Double, to out: inout [UInt8]) {
        // Swift's description yields the shortest round-trip digits (closest, ties even),
        // as "-ddd.ddd", "0.000ddd" or "d.ddde±XX".
        let text = value.description
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 40) { digits in
            var count = 0
            var pointAt = -1
            var exponent = 0
            var exponentNegative = false
            var inExponent = false
            var negative = false
            for c in text.utf8 {
                switch c {
                case 0x30...0x39:
                    if inExponent {
                        exponent = exponent &* 10 &+ Int(c &- 0x30)
                    } else if count < 40 {
                        digits[count] = c
                        count += 1
                    }
                case 0x2D:  // "-"
                    if inExponent { exponentNegative = true } else { negative = true }
                case 0x2E:  // "."
                    pointAt = count
                case 0x65, 0x45:  // "e", "E"
                    inExponent = true
                default:
                    break  // "+"
                }
            }
            // value = 0.DIGITS × 10^n
            var n = (pointAt >= 0 ? pointAt : count) + (exponentNegative ? -exponent : exponent)
            var first = 0
            while first < count && digits[first] == 0x30 {
                first += 1
                n -= 1
            }
            var last = count
            while last > first && digits[last - 1] == 0x30 {
                last -= 1
            }
            let k = last - first
            if k == 0 {  // cannot happen for a non-zero finite value
                out.append(0x30)
                return
            }
            if negative { out.append(0x2D) }
            let d = UnsafeBufferPointer(rebasing: digits[first..<last])
            if k <= n && n <= 21 {
                out.append(contentsOf: d)
                for _ in 0..<(n - k) { out.append(0x30) }
            } else if 0 < n && n <= 21 {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: d[0..<n]))
                out.append(0x2E)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: d[n..<k]))
            } else if -6 < n && n <= 0 {
                out.append(0x30)
                out.append(0x2E)
                for _ in 0..<(-n) { out.append(0x30) }
                out.append(contentsOf: d)
            } else {
                let e = n - 1
                out.append(d[0])
                if k > 1 {
                    out.append(0x2E)
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: d[1..<k]))
                }
                out.append(0x65)  // "e"
                out.append(e < 0 ? 0x2D : 0x2B)
                appendInteger(Int64(e.magnitude), to: &out)
            }
        }
    }
}
