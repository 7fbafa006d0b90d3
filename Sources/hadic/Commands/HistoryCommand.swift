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
            let (r, lotID) = try target.open(requireKnown: false)
            let history = try r.dir.store.history(of: lotID)
            guard !history.isEmpty else { throw CLIFailure("no event in this ledger touches \(lotID)") }
            if json {
                let rows: [JSONValue] = history.map { item in
                    .object([
                        "index": .number(JSONNumber(Int(item.event.index))), "block": .number(JSONNumber(Int(item.event.block))),
                        "id": .string(item.event.id.hex), "time": .string(item.event.time.text),
                        "type": .string(item.event.type.rawValue), "actor": .string(item.event.actor.rawValue),
                        "role": .string(item.role.rawValue),
                    ])
                }
                print(JSONValue.array(rows).prettyPrinted())
            } else {
                print("history of \(lotID): \(history.count) events")
                for item in history {
                    let e = item.event
                    print("\(e.index)\t\(e.time)\t\(e.type.rawValue)\t\(e.actor)\t\(item.role.rawValue)\t\(e.id.short)")
                }
            }
        }
    }
}
