/// A unit a quantity may be written in, with its dimension and its size in micro base units.
///
/// Mass is counted in micrograms, volume in microlitres and pieces in millionths of a piece,
/// all as `Int64`, so mass balance is exact integer arithmetic whatever unit each event chose.
public enum QuantityUnit: String, CaseIterable, Sendable {
    case mg, g, kg, t, ml, l, pcs

    public enum Dimension: String, Sendable {
        case mass, volume, count

        /// The unit quantities of this dimension are shown in: kg, l or pcs.
        public var displayUnit: QuantityUnit {
            switch self {
            case .mass: return .kg
            case .volume: return .l
            case .count: return .pcs
            }
        }
    }

    public var dimension: Dimension {
        switch self {
        case .mg, .g, .kg, .t: return .mass
        case .ml, .l: return .volume
        case .pcs: return .count
        }
    }

    /// Micro base units per one of this unit.
    public var microUnits: Int64 {
        switch self {
        case .mg: return 1_000
        case .g: return 1_000_000
        case .kg: return 1_000_000_000
        case .t: return 1_000_000_000_000
        case .ml: return 1_000
        case .l: return 1_000_000
        case .pcs: return 1_000_000
        }
    }

    /// The unit quantities of this unit's dimension are shown in by default.
    public var displayUnit: QuantityUnit { dimension.displayUnit }
}

/// An amount of something, as written in an event: `{"amount":"12.5","unit":"kg"}`.
///
/// The amount is a decimal string (no exponent, no sign, greater than zero) so that signed bytes
/// never pass through binary floating point; `micro` is its exact value in micro base units.
public struct Quantity: Hashable, Sendable, CustomStringConvertible {
    public let amount: String
    public let unit: QuantityUnit
    public let micro: Int64

    public init?(amount: String, unit: QuantityUnit) {
        guard let micro = Quantity.parseMicro(amount, unit: unit), micro > 0 else { return nil }
        self.amount = amount
        self.unit = unit
        self.micro = micro
    }

    public var dimension: QuantityUnit.Dimension { unit.dimension }
    public var description: String { "\(amount) \(unit.rawValue)" }

    public var json: JSONValue { .object(["amount": .string(amount), "unit": .string(unit.rawValue)]) }

    /// Parses `digits[.digits]` exactly into micro base units; nil on any other form, on a
    /// fraction finer than one micro unit, or on overflow.
    static func parseMicro(_ text: String, unit: QuantityUnit) -> Int64? {
        let b = Array(text.utf8)
        guard !b.isEmpty, b.count <= 30 else { return nil }
        var whole: Int64 = 0
        var i = 0
        while i < b.count, b[i] != UInt8(ascii: ".") {
            let d = Int64(b[i]) - 48
            guard d >= 0 && d <= 9 else { return nil }
            let (m, o1) = whole.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(d)
            guard !o1, !o2 else { return nil }
            whole = s
            i += 1
        }
        guard i > 0 else { return nil }
        // No leading zeros except a single "0".
        if i > 1 && b[0] == UInt8(ascii: "0") { return nil }
        let (wholeMicro, o) = whole.multipliedReportingOverflow(by: unit.microUnits)
        guard !o else { return nil }
        guard i < b.count else { return wholeMicro }
        i += 1  // the point
        let fraction = b[i...]
        guard !fraction.isEmpty else { return nil }
        // Each fraction digit is worth a tenth of the one before; digits finer than one micro
        // unit are accepted only as zeros.
        var scale = unit.microUnits
        var fractionMicro: Int64 = 0
        for c in fraction {
            let d = Int64(c) - 48
            guard d >= 0 && d <= 9 else { return nil }
            if scale >= 10 {
                scale /= 10
                fractionMicro += d * scale
            } else if d != 0 {
                return nil
            }
        }
        let (total, o3) = wholeMicro.addingReportingOverflow(fractionMicro)
        return o3 ? nil : total
    }

    /// Whether `text` is a plain non-negative decimal: `0`, `12`, `0.35` (no sign, exponent or
    /// leading zeros), as measured values are written.
    public static func isDecimalText(_ text: String) -> Bool {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let digits: (Substring) -> Bool = { !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
        guard text.utf8.count <= 40, digits(parts[0]), parts[0] == "0" || !parts[0].hasPrefix("0") else { return false }
        return parts.count == 1 || digits(parts[1])
    }

    /// A micro-unit amount written as a decimal in `unit`, trailing zeros removed.
    public static func format(micro: Int64, in unit: QuantityUnit) -> String {
        let negative = micro < 0
        let m = negative ? -micro : micro
        let whole = m / unit.microUnits
        var frac = m % unit.microUnits
        var s = String(whole)
        if frac != 0 {
            var digits = String(frac)
            var width = 0
            var u = unit.microUnits
            while u > 1 { u /= 10; width += 1 }
            digits = String(repeating: "0", count: width - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            frac = 0
            s += "." + digits
        }
        return (negative ? "-" : "") + s
    }
}
