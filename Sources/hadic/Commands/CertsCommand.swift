import ArgumentParser
import HADICCore
import HADICLedger
import HADICStore

struct CertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs",
        abstract: "Certificates, with their scope and their status at a given time.",
        discussion: """
            Status at TIME (default: now), by the times of the certifier's events: not-yet-issued, \
            not-yet-valid, active, suspended, revoked or expired. With PARTY, only the certificates \
            it holds.

            --json prints an array of {"issuer","number","holder","scheme","status","valid_from", \
            "valid_until","issued_at","issued_by","scope":{"products","classes","gtins","facilities", \
            "services"},"composition","self_declared","changes":[{"type","time","event","reason"}]}.
            """
    )

    @OptionGroup var data: DataOptions

    @Argument(help: "Only the certificates this party holds.")
    var party: String?

    @Option(help: ArgumentHelp("The moment to report the status at (RFC 3339 UTC); default now.", valueName: "TIME"))
    var at: String?

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        if let party, PartyID(party) == nil { throw ValidationError("not a party id: \(party)") }
        if let at, Timestamp(at) == nil { throw ValidationError("--at must be RFC 3339 UTC like 2026-11-29T05:00:00Z") }
    }

    func run() throws {
        try reportingFailures {
            let r = try LedgerReader(data.data)
            let time = at.flatMap(Timestamp.init) ?? LedgerClock.now()
            let timelines = try CertsCommand.timelines(r.dir.store)
            let holder = party.flatMap(PartyID.init)
            let certs = timelines.filter { holder == nil || $0.issue.holder == holder }
            if json {
                print(JSONValue.array(certs.map { json($0, at: time) }).prettyPrinted())
                return
            }
            print("\(certs.count) certificates" + (holder.map { " held by \($0)" } ?? "") + " at \(time)")
            for c in certs {
                let i = c.issue
                print("\(i.number)  \(c.status(at: time).rawValue)  issuer \(c.issuer)" + (i.scheme.map { " (\($0))" } ?? "")
                      + "  holder \(i.holder)  valid \(i.validFrom)..\(i.validUntil)" + (i.selfDeclared ? "  self-declared" : ""))
                var scope: [String] = []
                for (name, values) in [("products", i.scope.products), ("classes", i.scope.classes), ("gtins", i.scope.gtins),
                                       ("facilities", i.scope.facilities), ("services", i.scope.services)] where !values.isEmpty {
                    scope.append("\(name) " + values.joined(separator: ", "))
                }
                print("  scope: " + scope.joined(separator: "; "))
                for change in c.changes {
                    let later = time < change.time ? " (after \(time))" : ""
                    print("  \(change.kind == .certRevoke ? "revoked" : "suspended") \(change.time)\(later): \(change.reason)")
                }
            }
        }
    }

    /// Every certificate of the ledger, from its certificate events.
    static func timelines(_ store: SQLiteLedgerStore) throws -> [CertificateTimeline] {
        var envelopes: [EventEnvelope] = []
        for e in try store.events(ofTypes: [.certIssue, .certSuspend, .certRevoke]) {
            do {
                envelopes.append(try EventEnvelope.parse(e.leafBytes))
            } catch {
                throw CLIFailure("event \(e.id) (index \(e.index)) does not parse: \(error); run `hadic verify`")
            }
        }
        return CertificateTimeline.build(from: envelopes)
    }

    private func json(_ c: CertificateTimeline, at time: Timestamp) -> JSONValue {
        let i = c.issue
        func list(_ values: [String]) -> JSONValue { .array(values.map { .string($0) }) }
        return .object([
            "issuer": .string(c.issuer.rawValue), "number": .string(i.number), "holder": .string(i.holder.rawValue),
            "scheme": i.scheme.map { .string($0) } ?? .null, "status": .string(c.status(at: time).rawValue),
            "valid_from": .string(i.validFrom.text), "valid_until": .string(i.validUntil.text),
            "issued_at": .string(c.issuedAt.text), "issued_by": .string(c.issuedBy.hex),
            "scope": .object(["products": list(i.scope.products), "classes": list(i.scope.classes), "gtins": list(i.scope.gtins),
                              "facilities": list(i.scope.facilities), "services": list(i.scope.services)]),
            "composition": list(i.composition), "self_declared": .bool(i.selfDeclared),
            "changes": .array(c.changes.map { .object(["type": .string($0.kind.rawValue), "time": .string($0.time.text),
                                                       "event": .string($0.event.hex), "reason": .string($0.reason)]) }),
        ])
    }
}
