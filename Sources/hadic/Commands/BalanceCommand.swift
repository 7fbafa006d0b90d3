import ArgumentParser
import HADICCore
import HADICLedger
import HADICStore

struct BalanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "balance",
        abstract: "Mass balance of a lot (made, received, consumed, shipped, packed, remaining) or what a party holds.",
        discussion: """
            For a lot, sums every event that touched it and shows who holds what remains; the sums \
            are checked against the stored holdings. For a party, lists the lots it holds. Amounts \
            are exact, shown in kg, l or pcs.

            --json prints, for a lot, {"lot","unit","made","received","consumed","shipped","packed", \
            "unpacked","held","in_containers","in_transit","holders":[{"party","amount"}]} (amounts as \
            decimal strings in "unit"); for a party, {"party","holdings":[{"lot","product","amount","unit"}]}.
            """
    )

    @OptionGroup var data: DataOptions

    @Argument(help: "A lot id, or a party id.")
    var subject: String

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        try reportingFailures {
            let r = try LedgerReader(data.data)
            let store = r.dir.store
            if let lot = LotID(subject), let record = try store.lot(lot) {
                try lotBalance(lot, record, store)
            } else if let party = PartyID(subject) {
                try partyHoldings(party, store)
            } else {
                throw CLIFailure("\(subject) is neither a lot nor a party of this ledger")
            }
        }
    }

    private func unit(_ record: LotRecord) -> QuantityUnit {
        record.dimension.displayUnit
    }

    private func lotBalance(_ lot: LotID, _ record: LotRecord, _ store: SQLiteLedgerStore) throws {
        let b = try LotBalance.of(lot, from: store)
        let holders = try store.holdings(of: lot)
        let u = unit(record)
        func f(_ micro: Int64) -> String { Quantity.format(micro: micro, in: u) }
        guard holders.reduce(0, { $0 + $1.amount }) == b.held else {
            throw CLIFailure("stored holdings of \(lot) (\(f(holders.reduce(0) { $0 + $1.amount }))) differ from its events (\(f(b.held))); run `hadic verify --full`")
        }
        if json {
            print(JSONValue.object([
                "lot": .string(lot.rawValue), "unit": .string(u.rawValue),
                "made": .string(f(b.made)), "received": .string(f(b.received)), "consumed": .string(f(b.consumed)),
                "shipped": .string(f(b.shipped)), "packed": .string(f(b.packed)), "unpacked": .string(f(b.unpacked)),
                "held": .string(f(b.held)), "in_containers": .string(f(b.inContainers)), "in_transit": .string(f(b.inTransit)),
                "holders": .array(holders.map { .object(["party": .string($0.holder.rawValue), "amount": .string(f($0.amount))]) }),
            ]).prettyPrinted())
            return
        }
        print("balance of \(lot) — \(record.product) (\(record.materialClass)), in \(u.rawValue)")
        for (name, value) in [("made", b.made), ("received", b.received), ("consumed", b.consumed), ("shipped", b.shipped),
                              ("packed", b.packed), ("unpacked", b.unpacked)] {
            print("  \(name.padding(toLength: 14, withPad: " ", startingAt: 0))\(f(value))")
        }
        print("  \("held".padding(toLength: 14, withPad: " ", startingAt: 0))\(f(b.held))"
              + (holders.isEmpty ? "" : "  (" + holders.map { "\($0.holder) \(f($0.amount))" }.joined(separator: ", ") + ")"))
        print("  \("in containers".padding(toLength: 14, withPad: " ", startingAt: 0))\(f(b.inContainers))")
        print("  \("in transit".padding(toLength: 14, withPad: " ", startingAt: 0))\(f(b.inTransit))")
    }

    private func partyHoldings(_ party: PartyID, _ store: SQLiteLedgerStore) throws {
        var rows: [(LotID, LotRecord?, Int64)] = []
        for h in try store.holdings(by: party) { rows.append((h.lot, try store.lot(h.lot), h.amount)) }
        func describe(_ record: LotRecord?, _ micro: Int64) -> (String, String) {
            guard let record else { return (String(micro), "micro") }
            let u = unit(record)
            return (Quantity.format(micro: micro, in: u), u.rawValue)
        }
        if json {
            print(JSONValue.object([
                "party": .string(party.rawValue),
                "holdings": .array(rows.map { lot, record, micro in
                    let (amount, u) = describe(record, micro)
                    return .object(["lot": .string(lot.rawValue), "product": record.map { .string($0.product) } ?? .null,
                                    "amount": .string(amount), "unit": .string(u)])
                }),
            ]).prettyPrinted())
            return
        }
        print("\(party) holds \(rows.count) lots")
        for (lot, record, micro) in rows {
            let (amount, u) = describe(record, micro)
            print("  \(amount) \(u)  \(lot)" + (record.map { " — \($0.product)" } ?? ""))
        }
    }
}
