import GRDB
import HADICCore
import HADICLedger

extension SQLiteLedgerStore {
    /// Keeps what a peer showed that contradicts this ledger (append-only, durable on return).
    public func recordForkEvidence(_ e: ForkEvidence) throws {
        guard let writer = writerQueue else { throw StoreError.sqlite("\(path) is open read-only") }
        try writer.write { db in
            try db.execute(sql: "INSERT INTO fork_evidence (found_at, peer, kind, position, ours, theirs, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           arguments: [e.foundAt.text, e.peer, e.kind.rawValue, Int64(clamping: e.position), e.ours, e.theirs, e.reason])
        }
    }

    /// Every piece of fork evidence, oldest first.
    public func forkEvidence() throws -> [ForkEvidence] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT found_at, peer, kind, position, ours, theirs, reason FROM fork_evidence ORDER BY id").map { row in
                let found: String = row[0], kind: String = row[2], position: Int64 = row[3]
                guard let time = Timestamp(found), let k = ForkEvidence.Kind(rawValue: kind), let p = UInt64(exactly: position) else {
                    throw StoreError.corruptRow(table: "fork_evidence", key: "\(found)", problem: "unreadable time, kind or position")
                }
                return ForkEvidence(kind: k, position: p, ours: row[4], theirs: row[5], peer: row[1], foundAt: time, reason: row[6])
            }
        }
    }
}
