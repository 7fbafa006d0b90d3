/// Failures of the data directory and its SQLite file.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Another process holds the data directory for writing.
    case locked(directory: String, holder: String)
    case notADataDirectory(String)
    /// The file was written by an older `hadic`: a writer applies the missing migrations.
    case needsUpgrade(path: String, missing: [String])
    case corruptRow(table: String, key: String, problem: String)
    case sqlite(String)
    case io(String)

    public var description: String {
        switch self {
        case .locked(let dir, let holder):
            // A running node holds its directory for as long as it runs: go through it.
            if let range = holder.range(of: "hadicd, listening on ") {
                let address = holder[range.upperBound...].prefix { !$0.isWhitespace }
                return "data directory \(dir) is held by a running node (\(holder)); only one writer at a time: "
                    + "submit through the node with `hadic append --node \(address) ...` (or stop it first)"
            }
            return "data directory \(dir) is held by another writer (\(holder)); only one writer at a time: wait for it to finish or stop it"
        case .notADataDirectory(let s): return "not a HADIC data directory: \(s)"
        case .needsUpgrade(let path, let missing):
            return "\(path) was written by an older hadic (missing schema steps: \(missing.joined(separator: ", "))); "
                + "open it once with a writer to upgrade it, e.g. `hadic append --data DIR --signed /dev/null`"
        case .corruptRow(let table, let key, let problem): return "stored \(table) row \(key): \(problem)"
        case .sqlite(let s): return "sqlite: \(s)"
        case .io(let s): return s
        }
    }
}
