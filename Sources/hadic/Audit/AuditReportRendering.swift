import Foundation
import HADICCore
import HADICCrypto
import HADICLedger

/// The audit report as text (for people) or JSON (stable fields, docs/AUDIT.md).
enum AuditReportRendering {
    static let format = "hadic-audit/v1"

    static func json(_ outcomes: [AuditOutcome], comparisons: [CheckpointComparison], cores: Int) -> String {
        var fields: [String: JSONValue] = [
            "format": .string(format),
            "intact": .bool(outcomes.allSatisfy(\.report.intact) && comparisons.allSatisfy(\.consistent)),
            "cores": number(cores),
            "audits": .array(outcomes.map(json)),
        ]
        if !comparisons.isEmpty { fields["comparisons"] = .array(comparisons.map(json)) }
        return JSONValue.object(fields).prettyPrinted()
    }

    private static func json(_ o: AuditOutcome) -> JSONValue {
        let r = o.report
        var since: JSONValue = .null
        if let cp = r.since {
            since = .object([
                "tree_size": number(cp.size), "root": .string(Base64.encode(cp.root)),
                "consistency_proof": r.consistencyProof.map { .array($0.hashes.map { .string(Base64.encode($0)) }) } ?? .null,
            ])
        }
        return .object([
            "source": .string(o.source), "ledger_id": .string(o.ledgerID), "origin": .string(o.origin),
            "sequencer_key_id": .string(o.sequencerKeyID),
            "intact": .bool(r.intact), "mode": .string(r.since != nil ? "since" : r.full ? "full" : "quick"),
            "since": since,
            "blocks": number(r.blocks), "first_height": number(r.firstHeight), "head_height": number(r.headHeight),
            "events": number(r.events), "prefix_events": number(r.prefixEvents), "signatures": number(r.signaturesChecked),
            "parties": number(r.parties), "certificates": number(r.certificates), "lots": number(r.lots),
            "merkle_nodes": number(r.merkleNodes), "tree_size": number(r.treeSize), "root": .string(Base64.encode(r.root)),
            "checkpoint": .string(r.headCheckpoint),
            "seconds": .number(JSONNumber((o.seconds * 1000).rounded() / 1000)),
            "events_per_second": number(o.seconds > 0 ? Int((Double(r.events) / o.seconds).rounded()) : 0),
            "failures": .array(r.failures.map(json)), "failures_truncated": .bool(r.failuresTruncated),
        ])
    }

    private static func json(_ f: VerificationFailure) -> JSONValue {
        .object([
            "check": .string(f.check.rawValue), "location": .string(f.location), "problem": .string(f.problem),
            "block": f.block.map(number) ?? .null, "leaf_index": f.leafIndex.map(number) ?? .null,
            "event_id": f.eventID.map(JSONValue.string) ?? .null, "rule": f.rule.map(JSONValue.string) ?? .null,
            "evidence": .array(f.evidence.map(JSONValue.string)),
        ])
    }

    private static func json(_ c: CheckpointComparison) -> JSONValue {
        .object([
            "a": .string(c.a), "b": .string(c.b), "consistent": .bool(c.consistent), "reason": .string(c.reason),
            "checkpoint_a": .string(c.noteA), "checkpoint_b": .string(c.noteB),
            "consistency_proof": .array(c.proof.map { .string(Base64.encode($0)) }),
        ])
    }

    private static func number<I: BinaryInteger>(_ n: I) -> JSONValue { .number(JSONNumber(Int(n))) }

    static func text(_ outcomes: [AuditOutcome], comparisons: [CheckpointComparison], cores: Int) -> String {
        var lines: [String] = []
        for o in outcomes {
            let r = o.report
            lines.append("audit of \(o.source): \(r.intact ? "INTACT" : "NOT INTACT")")
            lines.append("  ledger        \(o.ledgerID) (\(o.origin)), sequencer key \(o.sequencerKeyID)")
            if let cp = r.since {
                let proof = r.consistencyProof.map { "\($0.hashes.count) hashes, verified" } ?? "not verified"
                lines.append("  since         tree size \(cp.size), root \(Base64.encode(cp.root)); consistency proof to the head: \(proof)")
                lines.append("  prefix        \(r.prefixEvents) events replayed to rebuild the state (leaves re-hashed, signatures not re-checked)")
            }
            let heights = r.blocks == 0 ? "none new" : "heights \(r.since == nil ? 0 : r.firstHeight)-\(r.headHeight)"
            lines.append("  blocks        \(r.blocks) checked (\(heights)), head \(r.headHeight)")
            lines.append("  events        \(r.events) checked, \(r.signaturesChecked) signatures and admission rules")
            if r.full { lines.append("  state         \(r.parties) parties, \(r.certificates) certificates, \(r.lots) lots") }
            if r.merkleNodes > 0 { lines.append("  merkle nodes  \(r.merkleNodes) stored nodes compared") }
            lines.append("  tree          size \(r.treeSize), root \(Base64.encode(r.root))")
            let rate = o.seconds > 0 ? Int((Double(r.events) / o.seconds).rounded()) : 0
            lines.append(String(format: "  time          %.2fs (%d events/s, %d cores)", o.seconds, rate, cores))
            if !r.failures.isEmpty {
                lines.append("  failures      \(r.failures.count)\(r.failuresTruncated ? " (stopped at the limit; there may be more)" : "")")
                for f in r.failures {
                    lines.append("    \(f.location): [\(f.check.rawValue)\(f.rule.map { " \($0)" } ?? "")] \(f.problem)")
                    for note in f.evidence { lines.append(contentsOf: indented(note, "      | ")) }
                }
            }
        }
        for c in comparisons {
            lines.append("\(c.a) and \(c.b): \(c.consistent ? "one history" : "TWO HISTORIES") (\(c.reason))")
            if !c.consistent {
                lines.append("  checkpoint of \(c.a):")
                lines.append(contentsOf: indented(c.noteA, "    | "))
                lines.append("  checkpoint of \(c.b):")
                lines.append(contentsOf: indented(c.noteB, "    | "))
            }
        }
        return lines.joined(separator: "\n")
    }

    private static func indented(_ note: String, _ prefix: String) -> [String] {
        note.split(separator: "\n", omittingEmptySubsequences: false).dropLast(note.hasSuffix("\n") ? 1 : 0).map { prefix + $0 }
    }
}
