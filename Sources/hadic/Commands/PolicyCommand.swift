import ArgumentParser
import HADICCore
import HADICLedger
import HADICStore

struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Show the assessment policy in force: markets, trusted certifiers, lists and limits.",
        discussion: """
            The policy is the admins' latest policy.set event whose time is not after TIME (default \
            now); its version is its position among the ledger's policy.set events. With --policy \
            FILE, shows it narrowed by that local file, as `hadic assess --policy FILE` applies it.
            """
    )

    @OptionGroup var data: DataOptions

    @Option(help: ArgumentHelp("The moment (RFC 3339 UTC); default now.", valueName: "TIME"))
    var at: String?

    @Option(help: ArgumentHelp("A local policy file (JSON) that narrows the ledger's policy.", valueName: "FILE"))
    var policy: String?

    func validate() throws {
        if let at, Timestamp(at) == nil { throw ValidationError("--at must be RFC 3339 UTC like 2026-11-29T05:00:00Z") }
    }

    func run() throws {
        try reportingFailures {
            let r = try LedgerReader(data.data)
            let time = at.flatMap(Timestamp.init) ?? LedgerClock.now()
            var p = try LedgerEvidence(source: r.dir.store).policy(at: time)
            if let path = policy {
                let local = try AssessCommand.loadLocalPolicy(path)
                try p.narrow(by: local.policy, path: local.path, sha256: local.sha256)
            }
            print(p.summary)
            for code in p.markets.keys.sorted() {
                guard let m = p.markets[code] else { continue }
                print("market \(code): \(m.name)" + (m.certifiedLogistics ? " (certified logistics required)" : ""))
                for i in m.issuers {
                    let window = (i.from == nil && i.until == nil) ? "" : " from \(i.from?.text ?? "-") until \(i.until?.text ?? "-")"
                    print("  trusts \(i.party)\(window)" + (i.basis.map { " (\($0))" } ?? ""))
                }
                for e in m.ethanol { print("  ethanol under \(e.maxPercent)% for " + e.classes.joined(separator: ", ")) }
                for t in m.labTests { print("  requires \(t.test) on " + t.classes.joined(separator: ", ")) }
            }
            func line(_ name: String, _ values: Set<String>) { print("\(name): " + (values.isEmpty ? "-" : values.sorted().joined(separator: ", "))) }
            line("positive list (non-critical)", p.nonCritical)
            line("critical", p.critical)
            line("animal-derived", p.animal)
            line("live animals", p.liveAnimals)
            line("non-halal", p.nonHalal)
            line("severe najis", p.severeNajis)
            print("haram names: " + p.haramNames.joined(separator: ", "))
            print("transformation mass gain allowed: \(p.massGainPercent)%")
        }
    }
}
