import ArgumentParser

/// `--data DIR` or `--node HOST:PORT`: a ledger read (or written) in place, or through a running node.
struct LedgerSourceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The data directory holding the ledger.", valueName: "DIR"))
    var data: String?

    @Option(name: .long, help: ArgumentHelp("A running node (hadicd) to go through instead of a data directory.", valueName: "HOST:PORT"))
    var node: String?

    func validate() throws {
        guard (data == nil) != (node == nil) else { throw ValidationError("give either --data DIR or --node HOST:PORT") }
    }
}
