/// Exact comparison of non-negative decimal texts (`"0.5"`, `"12"`, `"0.020"`), as policies and
/// lab measurements write them: thresholds are never compared through floating point.
public enum DecimalText {
    /// -1, 0 or 1 as `a` is less than, equal to or greater than `b`; nil if either is not
    /// decimal text (``Quantity/isDecimalText(_:)``).
    public static func compare(_ a: String, _ b: String) -> Int? {
        guard Quantity.isDecimalText(a), Quantity.isDecimalText(b) else { return nil }
        let (ai, af) = split(a)
        let (bi, bf) = split(b)
        if ai.count != bi.count { return ai.count < bi.count ? -1 : 1 }
        if ai != bi { return ai.lexicographicallyPrecedes(bi) ? -1 : 1 }
        let width = max(af.count, bf.count)
        let pa = af + Array(repeating: UInt8(ascii: "0"), count: width - af.count)
        let pb = bf + Array(repeating: UInt8(ascii: "0"), count: width - bf.count)
        if pa == pb { return 0 }
        return pa.lexicographicallyPrecedes(pb) ? -1 : 1
    }

    /// Integer digits without leading zeros, and fraction digits.
    private static func split(_ s: String) -> ([UInt8], [UInt8]) {
        let parts = s.utf8.split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false)
        let whole = Array(parts[0].drop { $0 == UInt8(ascii: "0") })
        return (whole, parts.count > 1 ? Array(parts[1]) : [])
    }
}
