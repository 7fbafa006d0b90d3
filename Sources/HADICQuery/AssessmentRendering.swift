import HADICCore
import HADICLedger

/// How an assessment reads, as text and as JSON.
public enum AssessmentRendering {
    public static func text(_ a: Assessment) -> String {
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

    public static func json(_ a: Assessment) -> JSONValue {
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
