/// Where a witness listens: `http://HOST:PORT[/PREFIX]` or `HOST:PORT`; requests go to
/// `<prefix>/add-checkpoint` (c2sp.org/tlog-witness). Plain HTTP only: what is sent is public
/// and what comes back is checked against the witness's key, so TLS would add no safety here.
public struct WitnessEndpoint: Sendable, Equatable, CustomStringConvertible {
    public let host: String
    public let port: Int
    /// The path prefix, without a trailing slash ("" for none).
    public let prefix: String

    public init?(_ text: String) {
        var rest = Substring(text)
        if rest.hasPrefix("http://") { rest = rest.dropFirst(7) } else if rest.contains("://") { return nil }
        var path = ""
        if let slash = rest.firstIndex(of: "/") {
            path = String(rest[slash...])
            rest = rest[..<slash]
        }
        while path.hasSuffix("/") { path.removeLast() }
        guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]), (1...65_535).contains(port) else { return nil }
        var host = String(rest[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !path.contains("?"), !path.contains("#") else { return nil }
        self.host = host
        self.port = port
        self.prefix = path
    }

    public var addCheckpointPath: String { prefix + "/add-checkpoint" }

    public var description: String { "http://\(host.contains(":") ? "[\(host)]" : host):\(port)\(prefix)" }
}
