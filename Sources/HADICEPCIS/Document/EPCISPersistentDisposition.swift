/// The dispositions an event sets and unsets for good (EPCIS 2.0 7.3.4), as full CBV URIs.
public struct EPCISPersistentDisposition: Hashable, Sendable {
    public let set: [String]
    public let unset: [String]

    public init(set: [String], unset: [String]) {
        self.set = set
        self.unset = unset
    }
}
