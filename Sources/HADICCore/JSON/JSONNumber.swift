/// A JSON number: a finite IEEE-754 binary64 value, as I-JSON (RFC 7493) and RFC 8785 require.
///
/// Guarantees:
/// - `double` is always finite (never NaN or ±Infinity): the parser refuses overflowing
///   literals, ``init(finite:)`` returns nil for non-finite values, and `init(_: Double)`
///   treats a non-finite argument as a programming error.
/// - Equality and hashing use only `double` (so `+0 == -0`, and `1.0`, `1`, `10e-1` parsed
///   from different spellings are equal); `literal` is informational.
/// - `description` is the ECMAScript `Number::toString` form, which is exactly the RFC 8785
///   canonical spelling.
public struct JSONNumber: Hashable, Sendable, CustomStringConvertible {
    /// The IEEE-754 value (the correctly rounded value of the source literal when parsed).
    public let double: Double
    /// The exact source text when parsed (for callers that must not go through `Double`);
    /// nil when constructed from a Swift value.
    public let literal: String?

    /// A number with the given value. `value` must be finite (checked with `precondition`);
    /// use ``init(finite:)`` for values that may not be.
    public init(_ value: Double) {
        precondition(value.isFinite, "JSONNumber must be finite (I-JSON), got \(value)")
        self.double = value
        self.literal = nil
    }

    /// The number with the nearest `Double` value (exact for |value| <= 2^53).
    public init(_ value: Int) {
        self.double = Double(value)
        self.literal = nil
    }

    /// A number with the given value, or nil when `value` is NaN or infinite (not
    /// representable in I-JSON / RFC 8785).
    public init?(finite value: Double) {
        guard value.isFinite else { return nil }
        self.double = value
        self.literal = nil
    }

    /// Built by the parser: `value` is finite, `literal` is the RFC 8259 source text.
    internal init(parsed value: Double, literal: String) {
        self.double = value
        self.literal = literal
    }

    /// The exact integer value when `double` is integral and within ±2^53 (the range where
    /// every integer is exactly representable); nil otherwise. `-0` gives `0`.
    public var int64Value: Int64? {
        guard double.magnitude <= 9_007_199_254_740_992.0 else { return nil }
        let i = Int64(double)  // truncates; in range
        return Double(i) == double ? i : nil
    }

    /// The ECMAScript `Number::toString` form (RFC 8785 section 3.2.2.3), e.g. `1e+21`, `0.000001`.
    public var description: String {
        ECMAScriptNumberFormatter.string(from: double) ?? "null"
    }

    public static func == (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
        lhs.double == rhs.double
    }

    public func hash(into hasher: inout Hasher) {
        // +0 and -0 are equal, so they must hash alike.
        hasher.combine(double == 0 ? 0 : double.bitPattern)
    }
}
