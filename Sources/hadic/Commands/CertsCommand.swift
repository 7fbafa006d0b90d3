import ArgumentParser
import HADICCore
import HADICLedger
import HADICQuery
import HADICStore

struct CertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs",
        abstract: "Certificates, with their scope and their status at a given time.",
        discussion: """
            Status at TIME (default: now), by the times of the certifier's events: not-yet-issued, \
            not-yet-valid, active, suspended, revoked or expired. With PARTY, only the certificates \
            it holds.

            --json prints an array of {"issuer","number","holder","scheme","status","valid_from", \
            "valid_until","issued_at","issued_by","scope":{"products","classes","gtins","facilities", \
            "services"},"composition","self_declared","changes":[{"type","time","event","reason"}]}.
            """
    )

    @OptionGroup var source: LedgerSourceOptions

    @Argument(help: "Only the certificates this party holds.")
    var party: String?

    @Option(help: ArgumentHelp("The moment to report the status at (RFC 3339 UTC); default now.", valueName: "TIME"))
    var at: String?

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        if let party, PartyID(party) == nil { throw ValidationError("not a party id: \(party)") }
        if let at, Timestamp(at) == nil { throw ValidationError("--at must be RFC 3339 UTC like 2026-11-29T05:00:00Z") }
    }

    func run() throws {
        try reportingFailures {
            let query = LedgerQuery.certs(holder: party.flatMap(PartyID.init), at: at.flatMap(Timestamp.init), json: json)
            print(try QueryCommand.answer(query, source: source).output, terminator: "")
        }
    }
}
