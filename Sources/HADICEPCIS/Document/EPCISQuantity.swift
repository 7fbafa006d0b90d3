/// One element of a quantity list: an EPC class and, optionally, how much of it.
///
/// Guarantees: `epcClass` is a well-formed identifier (checked at parse time); `quantity`, when
/// present, is the exact value of the JSON number as plain decimal text without exponent,
/// leading or trailing zeros (`10.50` -> `10.5`, `1e2` -> `100`), never passed through a
/// floating-point type; `uom` is the UN/ECE Rec 20 code as written.
public struct EPCISQuantity: Hashable, Sendable {
    public let epcClass: String
    public let quantity: String?
    public let uom: String?

    public init(epcClass: String, quantity: String?, uom: String?) {
        self.epcClass = epcClass
        self.quantity = quantity
        self.uom = uom
    }
}
