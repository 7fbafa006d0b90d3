import ArgumentParser

/// `--data DIR`, shared by every command that reads or writes a ledger.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The data directory holding the ledger.", valueName: "DIR"))
    var data: String
}
