import ArgumentParser
import HADICCore
import HADICLedger
import HADICQuery
import HADICStore

struct BalanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "balance",
        abstract: "Mass balance of a lot (made, received, consumed, shipped, packed, remaining) or what a party holds.",
        discussion: """
            For a lot, sums every event that touched it and shows who holds what remains; the sums \
            are checked against the stored holdings. For a party, lists the lots it holds. Amounts \
            are exact, shown in kg, l or pcs.

            --json prints, for a lot, {"lot","unit","made","received","consumed","shipped","packed", \
            "unpacked","held","in_containers","in_transit","holders":[{"party","amount"}]} (amounts as \
            decimal strings in "unit"); for a party, {"party","holdings":[{"lot","product","amount","unit"}]}.
            """
    )

    @OptionGroup var source: LedgerSourceOptions

    @Argument(help: "A lot id, or a party id.")
    var subject: String

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        try reportingFailures {
            print(try QueryCommand.answer(.balance(subject: subject, json: json), source: source).output, terminator: "")
        }
    }
}
