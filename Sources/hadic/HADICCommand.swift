import ArgumentParser
import Foundation
import HADICCrypto

/// `hadic`: the HADIC ledger's command line.
@main
struct HADICCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hadic",
        abstract: "Halal Digital Chain: a signed, append-only ledger of halal supply-chain provenance.",
        discussion: """
            Suppliers sign events with their own keys (hadic sign); a sequencer admits them into \
            hash-linked, signed blocks over one RFC 9162 Merkle tree (hadic append); anyone can \
            check the whole ledger (hadic verify --full).

            A first ledger:
              hadic key generate --out seq.key
              hadic key generate --out admin.key
              hadic init --data ./hadic-data --name example.org/hadic --sequencer-key seq.key --admin-key admin.key.pub
              hadic append --data ./hadic-data --key admin.key --actor admin events.jsonl
              hadic verify --data ./hadic-data --full

            Exit status: 0 success; 1 the ledger failed verification, or an event was refused; \
            2 any other failure; 64 usage errors.
            """,
        subcommands: [
            KeyCommand.self, InitCommand.self, SignCommand.self, AppendCommand.self,
            StatusCommand.self, CheckpointCommand.self, ProofCommand.self, ProveCommand.self, VerifyBundleCommand.self, BlockCommand.self, EventCommand.self,
            ExportCommand.self, HistoryCommand.self, TraceCommand.self, CustodyCommand.self, BalanceCommand.self, CertsCommand.self, AssessCommand.self, PolicyCommand.self, VerifyCommand.self, AuditCommand.self, ReindexCommand.self, EPCISCommand.self, EvidenceCommand.self, WitnessCommand.self, SynthCommand.self,
        ]
    )

    /// Like ArgumentParser's own `main`, but a usage error is one line on stderr (the cause and
    /// where to get help) rather than the whole usage text, and exits 64.
    static func main() {
        OpenSSLProcessSetup.keepStateUntilExit()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            let message = self.message(for: error)
            if !message.isEmpty {
                let firstLine = message.split(separator: "\n").first.map(String.init) ?? message
                printError("hadic: \(firstLine.replacingOccurrences(of: "Error: ", with: "")) (see `hadic --help` or `hadic COMMAND --help`)")
            }
            Foundation.exit(code.rawValue)
        }
    }
}
