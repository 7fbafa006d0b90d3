/// A body or envelope that does not match its documented schema.
///
/// `path` names the field that failed, in the form `body.inputs[1].quantity.amount`,
/// so a supplier can find the mistake without reading HADIC's source.
public struct SchemaError: Error, Equatable, Sendable, CustomStringConvertible {
    public let path: String
    public let problem: String

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(path): \(problem)" }
}
