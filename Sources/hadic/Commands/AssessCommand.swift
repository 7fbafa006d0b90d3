import ArgumentParser
import Foundation
import HADICCore
import HADICCrypto
import HADICLedger
import HADICQuery
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

            With --node HOST:PORT a running node assesses from its copy (at its now unless --at).

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
            guard let lot = LotID(target.lot) else { throw CLIFailure("not a lot id: \(target.lot)") }
            if target.source.node != nil, policy != nil {
                throw CLIFailure("--policy is a file read here: use it with --data (a node assesses with the ledger's policy)")
            }
            let local = try policy.map(AssessCommand.loadLocalPolicy)
            let query = LedgerQuery.assess(lot: lot, market: market, at: at.flatMap(Timestamp.init), json: json, verifySignatures: verifySignatures)
            let answer = try QueryCommand.answer(query, source: target.source, localPolicy: local)
            print(answer.output, terminator: "")
            supported = answer.status == 0
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
