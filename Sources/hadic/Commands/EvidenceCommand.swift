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

            Exit status: 0 no evidence, 1 evidence of a fork, 2 unreadable.
            """
    )

    @OptionGroup var data: DataOptions

    @Flag(help: "Print JSON: a list of {found_at, peer, kind, position, reason, ours, theirs, ours_verifies, theirs_verifies}.")
    var json = false

    func run() throws {
        var count = 0
        try reportingFailures {
            let r = try LedgerReader(data.data)
            let evidence = try r.dir.store.forkEvidence()
            count = evidence.count
            var items: [JSONValue] = []
            for e in evidence {
                let oursOK = Self.verifies(e.ours, kind: e.kind, genesis: r.genesis)
                let theirsOK = Self.verifies(e.theirs, kind: e.kind, genesis: r.genesis)
                if json {
                    items.append(.object([
                        "found_at": .string(e.foundAt.text), "peer": .string(e.peer), "kind": .string(e.kind.rawValue),
                        "position": .number(JSONNumber(Int(e.position))), "reason": .string(e.reason),
                        "ours": .string(e.ours), "theirs": .string(e.theirs),
                        "ours_verifies": .bool(oursOK), "theirs_verifies": .bool(theirsOK),
                    ]))
                } else {
                    print("FORK: \(e.kind.rawValue) \(e.position), shown by \(e.peer) at \(e.foundAt): \(e.reason)")
                    print("  ours   (\(oursOK ? "signed by the sequencer" : "DOES NOT VERIFY")): \(e.ours.replacingOccurrences(of: "\n", with: "\\n"))")
                    print("  theirs (\(theirsOK ? "signed by the sequencer" : "DOES NOT VERIFY")): \(e.theirs.replacingOccurrences(of: "\n", with: "\\n"))")
                }
            }
            if json { print(JSONValue.array(items).prettyPrinted()) } else if evidence.isEmpty { print("no fork evidence") }
        }
        if count > 0 { throw ExitCode(1) }
    }

    /// Whether one side is signed by the genesis sequencer key (a block's header and checkpoint, or a checkpoint note).
    static func verifies(_ text: String, kind: ForkEvidence.Kind, genesis: Genesis) -> Bool {
        switch kind {
        case .checkpoint:
            return (try? Checkpoint.verify(signedNote: text, origin: genesis.origin, sequencerKey: genesis.sequencerKey)) != nil
        case .block:
            guard let value = try? JSONValue.parse(Array(text.utf8)), case .object(let o) = value,
                  let headerText = o["header"]?.stringValue, let sig = o["signature"]?.stringValue.flatMap(Base64.decode),
                  let checkpoint = o["checkpoint"]?.stringValue, let header = try? BlockHeader.parse(Array(headerText.utf8)) else { return false }
            return (try? BlockFollower.checkSignatures(SealedBlock(header: header, signature: sig, checkpoint: checkpoint), genesis: genesis)) != nil
        }
    }
}
