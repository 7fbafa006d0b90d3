import HADICCore
import HADICLedger
import HADICPeer
import HADICQuery
import HADICStore

/// Where `hadic trace` and `hadic assess` get their answer: the data directory (read here), or
/// a running node (`--node`), which answers the same query with the same code.
enum QueryCommand {
    static func answer(_ query: LedgerQuery, source: LedgerSourceOptions,
                       localPolicy: (policy: LocalPolicy, path: String, sha256: String)? = nil) throws -> QueryAnswer {
        if let node = source.node {
            let client = try NodeClient(node)
            switch try client.request(.query(query.json), timeout: .seconds(300)) {
            case .answer(let output, let status): return QueryAnswer(output: output, status: Int32(status))
            case let other: throw CLIFailure("node \(node) answered \(other.kind.name), not an answer")
            }
        }
        let reader = try LedgerReader(source.data ?? "")
        do {
            return try QueryRunner(store: reader.dir.store).answer(query, now: LedgerClock.now(), localPolicy: localPolicy)
        } catch let e as QueryRunner.Failure {
            throw CLIFailure(e.description)
        }
    }
}
