import ArgumentParser
import HADICCore
import HADICLedger
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
            let (r, lotID) = try target.open()
            let lot = lotID.rawValue
            let chain = try CustodyChain.of(lotID, from: r.dir.store)
            if json {
                let entries: [JSONValue] = chain.entries.map { e in
                    .object([
                        "kind": .string(e.kind.rawValue), "time": .string(e.step.time.text), "actor": .string(e.step.actor.rawValue),
                        "to": e.to.map { .string($0.rawValue) } ?? .null,
                        "container": e.container.map { .string($0.rawValue) } ?? .null,
                        "event": .string(e.step.eventID.hex), "index": .number(JSONNumber(Int(e.step.index))),
                        "received_by": e.receivedBy.map { .string($0.hex) } ?? .null,
                    ])
                }
                print(JSONValue.object([
                    "lot": .string(lot), "holders": .array(chain.holders.map { .string($0.rawValue) }),
                    "entries": .array(entries), "unmatched": .array(chain.unmatchedShipments.map { .string($0.step.eventID.hex) }),
                ]).prettyPrinted())
                return
            }
            print("custody of \(lot)")
            for e in chain.entries {
                var line = "\(e.step.time)  \(e.kind.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(e.step.actor)"
                switch e.kind {
                case .shipped: line += " -> \(e.to.map(\.rawValue) ?? "?")" + (e.receivedBy == nil ? "  NOT RECEIVED" : "")
                case .packed: line += " into \(e.container.map(\.rawValue) ?? "?")"
                case .unpacked: line += " from \(e.container.map(\.rawValue) ?? "?")"
                case .made, .received: break
                }
                if e.kind == .shipped || e.kind == .received, let c = e.container { line += "  (inside \(c))" }
                print(line + "  [\(e.step.type.rawValue) \(e.step.eventID.short)]")
            }
            print("holders: " + chain.holders.map(\.rawValue).joined(separator: " -> "))
            let unmatched = chain.unmatchedShipments
            print(unmatched.isEmpty ? "every shipment was received" : "unmatched shipments: " + unmatched.map { $0.step.eventID.short }.joined(separator: ", "))
        }
    }
}
