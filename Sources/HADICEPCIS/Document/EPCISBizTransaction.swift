/// One element of a business transaction list (EPCIS 2.0 7.3.5.3).
///
/// Guarantees: `type`, when present, is a full URI (a bare CBV word such as `po` is expanded
/// to `https://ref.gs1.org/cbv/BTT-po`); `id` is a well-formed identifier as written.
public struct EPCISBizTransaction: Hashable, Sendable {
    public let type: String?
    public let id: String

    public init(type: String?, id: String) {
        self.type = type
        self.id = id
    }
}
