import ArgumentParser
import HADICCore
import HADICLedger
import HADICQuery
import HADICStore

struct CustodyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "custody",
        abstract: "A lot's chain of custody: who made, shipped, received, packed and unpacked it, and when.",
        discussion: """
            Includes the moves of every container the lot travelled in while inside it. Each \
            custody.ship is matched with its custody.receive; shipments nothing has received yet \
            are called out (in transit, or a gap).

            --json prints {"lot", "holders": [party], "entries": [{"kind","time","actor","to", \
            "container","event","index","received_by"}], "unmatched": [event id]}.
            """
    )

    @OptionGroup var target: LotArgument

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        try reportingFailures {
            guard let lot = LotID(target.lot) else { throw CLIFailure("not a lot id: \(target.lot)") }
            print(try QueryCommand.answer(.custody(lot: lot, json: json), source: target.source).output, terminator: "")
        }
    }
}
