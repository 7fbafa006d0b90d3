import HADICStore
import ArgumentParser
import Dispatch
import HADICCore
import HADICCrypto

/// Event templates in, signed envelopes out. Shared by `sign` and `append --key`.
struct TemplateSigner: Sendable {
    let key: PrivateKey
    let actor: PartyID
    let ledger: String

    /// Signs one template line `{"type":…,"body":…[,"time":…]}`; refusals name the field.
    func sign(_ line: ArraySlice<UInt8>, now: Timestamp) throws(AdmissionError) -> EventEnvelope {
        try EventTemplate.parse(line).signed(ledger: ledger, actor: actor, key: key, now: now)
    }
}

struct SignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Sign event templates with your own key: JSON lines in, signed envelopes out.",
        discussion: """
            Each input line is a template: {"type":"lot.create","body":{...}} with an optional \
            "time" (RFC 3339 UTC; default now). Each output line is the signed envelope, ready for \
            `hadic append --signed`. The key never leaves this machine. A template that does not \
            match its type's schema is reported on stderr with its line number and the field, \
            and the exit status is 1.
            """
    )

    @Option(help: ArgumentHelp("Your private key.", valueName: "FILE"))
    var key: String

    @Option(help: ArgumentHelp("Your party id.", valueName: "PARTY"))
    var actor: String

    @Option(help: ArgumentHelp("The ledger id (printed by `hadic init` and `hadic status`).", valueName: "ID"))
    var ledger: String

    @Argument(help: ArgumentHelp("Templates, one JSON object per line; - or nothing for stdin.", valueName: "FILE"))
    var input: String?

    func validate() throws {
        guard PartyID(actor) != nil else { throw ValidationError("--actor must be a party id (lowercase letters, digits, '-')") }
    }

    func run() throws {
        var refused = 0
        try reportingFailures {
            guard let party = PartyID(actor) else { return }
            let signer = TemplateSigner(key: try PrivateKey(contentsOf: key), actor: party, ledger: ledger)
            let now = LedgerClock.now()
            var out = Output()
            for (number, line) in try InputLines.read(input) {
                do {
                    out.line(bytes: try signer.sign(line, now: now).leafBytes)
                } catch {
                    printError("line \(number): \(error)")
                    refused += 1
                }
            }
            out.flush()
        }
        if refused > 0 { throw ExitCode(1) }
    }
}
