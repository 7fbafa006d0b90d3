/// A file of a witness's state or of a ledger's stored cosignatures that could not be read or
/// written; the description names the path and the step that failed.
public struct WitnessFileError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
