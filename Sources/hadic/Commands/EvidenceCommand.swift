import ArgumentParser
import Foundation
import HADICCore
import HADICCrypto
import HADICLedger
import HADICStore

struct EvidenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence",
        abstract: "Print the fork evidence a node kept: two signed statements of the sequencer that no single history explains.",
        discussion: """
            A replica that is shown a block or checkpoint contradicting its own ledger stops \
            following and keeps both, exactly as received (docs/PROTOCOL.md, "One history"). Each \
            piece names when and from which peer it came, and carries both sides: for blocks, the \
            header, the sequencer's signature and the checkpoint; for checkpoints, both signed notes. \
            Each side is checked here again under the sequencer key of this ledger's genesis.

            Each piece is judged again: it shows a fork only if both sides verify and conflict (two \
            blocks for one height with different hashes, or two checkpoints for one size with \
            different roots).

            Exit status: 0 no evidence of a fork, 1 evidence of a fork, 2 unreadable.
            """
    )

    @OptionGroup var data: DataOptions

    @Flag(help: "Print JSON: a list of {found_at, peer, kind, position, reason, ours, theirs, ours_verifies, theirs_verifies, conflict}.")
    var json = false

    func run() throws {
        var count = 0
        try reportingFailures {
            let r = try LedgerReader(data.data)
            let evidence = try r.dir.store.forkEvidence()
            var items: [JSONValue] = []
            for e in evidence {
                let ours = ForkEvidence.statement(e.ours, kind: e.kind, genesis: r.genesis)
                let theirs = ForkEvidence.statement(e.theirs, kind: e.kind, genesis: r.genesis)
                let oursOK = ours != nil, theirsOK = theirs != nil
                let conflict = e.conflicts(genesis: r.genesis)
                if conflict { count += 1 }
                if json {
                    items.append(.object([
                        "found_at": .string(e.foundAt.text), "peer": .string(e.peer), "kind": .string(e.kind.rawValue),
                        "position": .number(JSONNumber(Int(e.position))), "reason": .string(e.reason),
                        "ours": .string(e.ours), "theirs": .string(e.theirs),
                        "ours_verifies": .bool(oursOK), "theirs_verifies": .bool(theirsOK), "conflict": .bool(conflict),
                    ]))
                } else {
                    print((conflict ? "FORK: " : "NOT A FORK (the two do not both verify and conflict): ")
                          + "\(e.kind.rawValue) \(e.position), shown by \(e.peer) at \(e.foundAt): \(e.reason)")
                    print("  ours   (\(oursOK ? "signed by the sequencer" : "DOES NOT VERIFY")): \(e.ours.replacingOccurrences(of: "\n", with: "\\n"))")
                    print("  theirs (\(theirsOK ? "signed by the sequencer" : "DOES NOT VERIFY")): \(e.theirs.replacingOccurrences(of: "\n", with: "\\n"))")
                }
            }
            if json { print(JSONValue.array(items).prettyPrinted()) } else if evidence.isEmpty { print("no fork evidence") }
        }
        if count > 0 { throw ExitCode(1) }
    }
}
