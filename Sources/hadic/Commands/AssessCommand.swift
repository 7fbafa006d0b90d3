import ArgumentParser
import Foundation
import HADICCore
import HADICCrypto
import HADICLedger
import HADICStore

struct AssessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assess",
        abstract: "The halal verdict for a lot in a target market: supported, or not supported and why.",
        discussion: """
            Applies every rule of the halal claim (R-SIG ... R-LABTEST, docs/ASSESSMENT.md) to the \
            lot's whole upstream closure: every transformation and aggregation that fed it, every \
            party, container and vehicle that held it or its inputs, as the ledger stood at TIME \
            (default now). Each rule answers pass, fail or unknown and names the lots, events and \
            certificates behind it; the lot is supported only if every rule passes.

            What is trusted comes from the ledger's policy (the admins' latest policy.set at TIME, \
            see `hadic policy`), optionally narrowed by a local --policy file, which may drop \
            issuers, markets or positive-list classes, add critical classes or haram terms, lower \
            limits, and never widen. The policy version used is printed.

            Exit status: 0 supported; 1 not supported; 2 the assessment could not be made (no \
            policy, unknown market or lot); 64 usage errors.

            --json prints {"lot","market","market_name","at","verdict","policy":{"version", \
            "summary"},"closure":{"lots","events"},"rules":[{"rule","outcome","summary","note", \
            "problems":[{"outcome","message","lot","event"}],"lots","events","certificates"}]}.
            """
    )

    @OptionGroup var target: LotArgument

    @Option(help: ArgumentHelp("The target market's code in the policy, e.g. MY or ID.", valueName: "M"))
    var market: String

    @Option(help: ArgumentHelp("Assess as the ledger stood at this moment (RFC 3339 UTC); default now.", valueName: "TIME"))
    var at: String?

    @Option(help: ArgumentHelp("A local policy file (JSON) that narrows the ledger's policy.", valueName: "FILE"))
    var policy: String?

    @Flag(help: "Re-verify every closure event's signature (admission and `verify --full` already do).")
    var verifySignatures = false

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard PolicySet.isMarketCode(market) else { throw ValidationError("--market must be a market code like MY or ID") }
        if let at, Timestamp(at) == nil { throw ValidationError("--at must be RFC 3339 UTC like 2026-11-29T05:00:00Z") }
    }

    func run() throws {
        var supported = false
        try reportingFailures {
            let (r, lot) = try target.open()
            let time = at.flatMap(Timestamp.init) ?? LedgerClock.now()
            let local = try policy.map(AssessCommand.loadLocalPolicy)
            let assessor = Assessor(evidence: try LedgerEvidence(source: r.dir.store), localPolicy: local, verifySignatures: verifySignatures)
            let a = try assessor.assess(lot, market: market, at: time)
            supported = a.supported
            print(json ? AssessmentRendering.json(a).prettyPrinted() : AssessmentRendering.text(a))
        }
        if !supported { throw ExitCode(1) }
    }

    static func loadLocalPolicy(_ path: String) throws -> (policy: LocalPolicy, path: String, sha256: String) {
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIFailure("cannot read local policy \(path)") }
        let bytes = [UInt8](data)
        do {
            let value = try JSONValue.parse(bytes)
            return (try LocalPolicy.parse(value), path, Hex.encode(SHA256.hash(bytes)))
        } catch {
            throw CLIFailure("local policy \(path): \(error)")
        }
    }
}

/// How an assessment reads, as text and as JSON.
enum AssessmentRendering {
    static func text(_ a: Assessment) -> String {
        var out = "\(a.lot) for \(a.market) (\(a.marketName)) at \(a.time): \(a.supported ? "SUPPORTED" : "NOT SUPPORTED")\n"
        out += "policy: \(a.policy)\n"
        out += "closure: \(a.closureLots) lots, \(a.closureEvents) events\n"
        let width = AssessmentRule.allCases.map(\.rawValue.count).max() ?? 14
        for r in a.results {
            let id = r.rule.rawValue.padding(toLength: width + 2, withPad: " ", startingAt: 0)
            let outcome = r.outcome.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
            if r.problems.isEmpty {
                out += "\(id)\(outcome)\(r.note)\n"
                if !r.certificates.isEmpty { out += String(repeating: " ", count: width + 10) + "certificates: " + r.certificates.sorted().joined(separator: ", ") + "\n" }
            } else {
                out += "\(id)\(outcome)\(r.rule.summary)\n"
                for p in r.problems {
                    out += String(repeating: " ", count: width + 10) + "\(p.outcome.rawValue): \(p.message)\n"
                }
            }
        }
        return String(out.dropLast())
    }

    static func json(_ a: Assessment) -> JSONValue {
        func list(_ s: Set<String>) -> JSONValue { .array(s.sorted().map { .string($0) }) }
        return .object([
            "lot": .string(a.lot.rawValue), "market": .string(a.market), "market_name": .string(a.marketName),
            "at": .string(a.time.text), "verdict": .string(a.supported ? "supported" : "not supported"),
            "policy": .object(["version": .number(JSONNumber(Double(a.policyVersion))), "summary": .string(a.policy)]),
            "closure": .object(["lots": .number(JSONNumber(Double(a.closureLots))), "events": .number(JSONNumber(Double(a.closureEvents)))]),
            "rules": .array(a.results.map { r in
                .object([
                    "rule": .string(r.rule.rawValue), "outcome": .string(r.outcome.rawValue), "summary": .string(r.rule.summary),
                    "note": .string(r.outcome == .pass ? r.note : ""),
                    "problems": .array(r.problems.map { p in
                        .object(["outcome": .string(p.outcome.rawValue), "message": .string(p.message),
                                 "lot": p.lot.map { .string($0) } ?? .null, "event": p.event.map { .string($0) } ?? .null])
                    }),
                    "lots": list(r.lots), "events": list(r.events), "certificates": list(r.certificates),
                ])
            }),
        ])
    }
}
