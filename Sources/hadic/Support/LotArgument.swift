import ArgumentParser
import HADICCore

/// `--data DIR LOT` (or `--node HOST:PORT LOT` for the commands a node answers), shared by the
/// commands that ask about one lot.
struct LotArgument: ParsableArguments {
    @OptionGroup var source: LedgerSourceOptions

    @Argument(help: "The lot id (EPC URN, GS1 Digital Link URI, or PARTY/LOCAL).")
    var lot: String

    func validate() throws {
        guard LotID(lot) != nil else { throw ValidationError("not a lot id: \(lot)") }
    }

    /// Opens the ledger's data directory; with `requireKnown`, checks the lot is in it.
    func open(requireKnown: Bool = true) throws -> (reader: LedgerReader, lot: LotID) {
        guard let id = LotID(lot) else { throw CLIFailure("not a lot id: \(lot)") }
        guard let data = source.data else {
            throw CLIFailure("this command reads a data directory (--data DIR); a node (--node) answers append, status, checkpoint, proof, trace, assess, history, custody, balance and certs")
        }
        let reader = try LedgerReader(data)
        guard try !requireKnown || reader.dir.store.lot(id) != nil else { throw CLIFailure("no lot \(lot) in this ledger") }
        return (reader, id)
    }
}
