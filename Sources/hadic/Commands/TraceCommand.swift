import ArgumentParser
import HADICCore
import HADICLedger
import HADICQuery
import HADICStore

struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Walk a lot's provenance: its ingredients (back) or everything made from it (forward).",
        discussion: """
            Reads the provenance index, never scans the events. Each step names the certificates \
            its actor held, active at the step's time. Text by default; --json for machines; \
            --dot for Graphviz. With --node HOST:PORT a running node answers from its copy:

              hadic trace back --data DIR LOT --dot | dot -Tsvg > trace.svg
            """,
        subcommands: [Back.self, Forward.self]
    )

    struct Options: ParsableArguments {
        @OptionGroup var target: LotArgument

        @Flag(help: "Print the tree as JSON: {lot, product, class, quantity, step, repeated, children}.")
        var json = false

        @Flag(help: "Print a Graphviz digraph.")
        var dot = false

        func validate() throws {
            guard !(json && dot) else { throw ValidationError("--json and --dot exclude each other") }
        }

        func run(back: Bool) throws {
            try reportingFailures {
                let format: LedgerQuery.Format = json ? .json : dot ? .dot : .text
                guard let lot = LotID(target.lot) else { throw CLIFailure("not a lot id: \(target.lot)") }
                let query: LedgerQuery = back ? .traceBack(lot: lot, format: format) : .traceForward(lot: lot, format: format)
                let answer = try QueryCommand.answer(query, source: target.source)
                print(answer.output, terminator: "")
            }
        }
    }

    struct Back: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "back",
            abstract: "The ingredient tree of a lot, down to raw materials, with quantities, parties and times."
        )
        @OptionGroup var options: Options
        func run() throws { try options.run(back: true) }
    }

    struct Forward: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "forward",
            abstract: "Every lot made from (or packed with) a lot: the reach of a recall."
        )
        @OptionGroup var options: Options
        func run() throws { try options.run(back: false) }
    }
}
