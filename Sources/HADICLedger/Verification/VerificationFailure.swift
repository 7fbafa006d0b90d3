/// The first thing found wrong in a stored ledger: where (a block, an event, a stored node or
/// a derived table) and what.
public struct VerificationFailure: Error, Equatable, Sendable, CustomStringConvertible {
    public let location: String
    public let problem: String

    public init(_ location: String, _ problem: String) {
        self.location = location
        self.problem = problem
    }

    public var description: String { "\(location): \(problem)" }
}

/// What a successful verification covered.
public struct VerificationReport: Equatable, Sendable {
    public var full: Bool
    public var blocks: UInt64 = 0
    public var events: UInt64 = 0
    public var merkleNodes: UInt64 = 0
    public var signaturesChecked: UInt64 = 0
    public var parties: Int = 0
    public var certificates: Int = 0
    public var lots: Int = 0
    public var treeSize: UInt64 = 0
    public var root: [UInt8] = []
}
