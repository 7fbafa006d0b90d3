import ArgumentParser
import HADICCore
import HADICStore

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Every event that touched a lot, in ledger order, and how it touched it.",
        discussion: """
            Reads the provenance index (never scans the events). Roles: created, consumed and \
            produced (transformations), container, packed and unpacked (aggregation), shipped, \
            received, inspected, incident, recalled.

            --json prints an array of {"index","block","id","time","type","actor","role"}.
            """
    )

    @OptionGroup var target: LotArgument

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        try reportingFailures {
            guard let lot = LotID(target.lot) else { throw CLIFailure("not a lot id: \(target.lot)") }
            print(try QueryCommand.answer(.history(lot: lot, json: json), source: target.source).output, terminator: "")
        }
    }
}
