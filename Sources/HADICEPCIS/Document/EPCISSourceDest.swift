/// One element of a source or destination list (EPCIS 2.0 7.3.5.4).
///
/// Guarantees: `type` is a full URI (a bare CBV word such as `owning_party` is expanded to
/// `https://ref.gs1.org/cbv/SDT-owning_party`); `id` is a well-formed identifier as written.
public struct EPCISSourceDest: Hashable, Sendable {
    public let type: String
    public let id: String

    public init(type: String, id: String) {
        self.type = type
        self.id = id
    }
}
