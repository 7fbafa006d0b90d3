import ArgumentParser
import HADICCore

/// `--data DIR LOT`, shared by the commands that ask about one lot.
struct LotArgument: ParsableArguments {
    @OptionGroup var data: DataOptions

    @Argument(help: "The lot id (EPC URN, GS1 Digital Link URI, or PARTY/LOCAL).")
    var lot: String

    func validate() throws {
        guard LotID(lot) != nil else { throw ValidationError("not a lot id: \(lot)") }
    }

    /// Opens the ledger; with `requireKnown`, checks the lot is in it.
    func open(requireKnown: Bool = true) throws -> (reader: LedgerReader, lot: LotID) {
        guard let id = LotID(lot) else { throw CLIFailure("not a lot id: \(lot)") }
        let reader = try LedgerReader(data.data)
        guard try !requireKnown || reader.dir.store.lot(id) != nil else { throw CLIFailure("no lot \(lot) in this ledger") }
        return (reader, id)
    }
}
