import HADICCore

/// HADIC's quantity units as EPCIS `uom` codes (UN/ECE Recommendation 20, which EPCIS 2.0
/// names for `uom`).
///
/// Guarantees: the mapping is one to one, so `unit(fromUOM:)` undoes `uom(for:)`. A count
/// (`pcs`) has no `uom`: EPCIS reads a quantity without one as a number of instances.
public enum EPCISUnitOfMeasure {
    /// The Rec 20 code of `unit`, nil for `pcs`.
    public static func uom(for unit: QuantityUnit) -> String? {
        switch unit {
        case .mg: return "MGM"
        case .g: return "GRM"
        case .kg: return "KGM"
        case .t: return "TNE"
        case .ml: return "MLT"
        case .l: return "LTR"
        case .pcs: return nil
        }
    }

    /// The HADIC unit a `uom` code stands for (nil `uom`: `pcs`); nil for a code HADIC has no unit for.
    public static func unit(fromUOM uom: String?) -> QuantityUnit? {
        guard let uom else { return .pcs }
        return QuantityUnit.allCases.first { $0 != .pcs && Self.uom(for: $0) == uom }
    }
}
