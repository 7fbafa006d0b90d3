import ArgumentParser
import HADICCore
import HADICLedger
import HADICStore

struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Walk a lot's provenance: its ingredients (back) or everything made from it (forward).",
        discussion: """
            Reads the provenance index, never scans the events. Each step names the certificates \
            its actor held, active at the step's time. Text by default; --json for machines; \
            --dot for Graphviz:

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
                let (r, lotID) = try target.open()
                let root = try r.dir.store.consistentReads { source in
                    let trace = ProvenanceTrace(source: source)
                    return back ? try trace.back(lotID) : try trace.forward(lotID)
                }
                let rendering = TraceRendering(certificates: try CertsCommand.timelines(r.dir.store))
                if json {
                    print(rendering.json(root).prettyPrinted())
                } else if dot {
                    print(rendering.dot(root, back: back))
                } else {
                    print(rendering.text(root, back: back))
                }
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
