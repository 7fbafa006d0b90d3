import ArgumentParser

/// `hadic epcis`: GS1 EPCIS 2.0 in and out (docs/EPCIS.md).
struct EPCISCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "epcis",
        abstract: "GS1 EPCIS 2.0 JSON-LD documents in and out of the ledger (docs/EPCIS.md).",
        subcommands: [
            EPCISImportCommand.self,
            EPCISExportCommand.self,
        ]
    )
}
