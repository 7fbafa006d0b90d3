import HADICCore
import HADICLedger

/// Text, JSON and Graphviz forms of a provenance tree, each step shown with the certificates its
/// actor held, active at the step's time.
public struct TraceRendering {
    public let certificates: [CertificateTimeline]
    /// The certificates by holder, each holder's in the order of ``certificates``: a trace of
    /// 500 steps looks up its actors instead of scanning every certificate 500 times.
    private let byHolder: [PartyID: [CertificateTimeline]]

    public init(certificates: [CertificateTimeline]) {
        self.certificates = certificates
        byHolder = Dictionary(grouping: certificates, by: { $0.issue.holder })
    }

    func inForce(_ step: TraceStep) -> [CertificateTimeline] {
        (byHolder[step.actor] ?? []).filter { $0.status(at: step.time) == .active }
    }

    func describe(_ node: TraceNode, back: Bool) -> String {
        var line = node.lot.rawValue
        if let r = node.record { line += " — \(r.product) (\(r.materialClass))" }
        if node.repeated { return line + " (shown above)" }
        if let s = node.step {
            let verb = back ? (s.type == .lotCreate ? "created" : s.type == .lotAggregate ? "packed" : "made") + " by" : "by"
            line += ", \(verb) \(s.actor) \(s.time) (\(s.type.rawValue) \(s.eventID.short))"
            let certs = inForce(s)
            line += certs.isEmpty ? " [no certificate in force]" : " [" + certs.map { "\($0.issue.number) by \($0.issuer)" }.joined(separator: ", ") + "]"
        } else if back {
            line += ", origin not in this ledger"
        }
        return line
    }

    public func text(_ root: TraceNode, back: Bool) -> String {
        var lines = [describe(root, back: back)]
        func walk(_ node: TraceNode, _ prefix: String) {
            for (i, child) in node.children.enumerated() {
                let last = i == node.children.count - 1
                let amount = child.quantity.map { "\($0) " } ?? ""
                lines.append(prefix + (last ? "└── " : "├── ") + amount + describe(child, back: back))
                walk(child, prefix + (last ? "    " : "│   "))
            }
        }
        walk(root, "")
        return lines.joined(separator: "\n")
    }

    public func json(_ node: TraceNode) -> JSONValue {
        var fields: [String: JSONValue] = [
            "lot": .string(node.lot.rawValue),
            "product": node.record.map { .string($0.product) } ?? .null,
            "class": node.record.map { .string($0.materialClass) } ?? .null,
            "quantity": node.quantity?.json ?? .null,
            "repeated": .bool(node.repeated),
            "children": .array(node.children.map(json)),
        ]
        fields["step"] = node.step.map { s in
            .object(["event": .string(s.eventID.hex), "index": .number(JSONNumber(Int(s.index))), "type": .string(s.type.rawValue),
                     "actor": .string(s.actor.rawValue), "time": .string(s.time.text),
                     "certificates": .array(inForce(s).map { .object(["issuer": .string($0.issuer.rawValue), "number": .string($0.issue.number)]) })])
        } ?? .null
        return .object(fields)
    }

    /// A Graphviz digraph: ingredients point to what they went into.
    public func dot(_ root: TraceNode, back: Bool) -> String {
        func quote(_ s: String) -> String {
            let escaped = s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n")
            return "\"" + escaped + "\""
        }
        var nodes: [String] = []
        var edges: [String] = []
        var declared = Set<LotID>()
        func walk(_ node: TraceNode) {
            if declared.insert(node.lot).inserted {
                var label = node.lot.rawValue
                if let r = node.record { label += "\n\(r.product)" }
                if let s = node.step {
                    label += "\n\(s.actor), \(s.time.text.prefix(10))"
                    let certs = inForce(s)
                    label += "\n" + (certs.isEmpty ? "no certificate in force" : certs.map { "\($0.issue.number) (\($0.issuer))" }.joined(separator: "\n"))
                }
                nodes.append("  \(quote(node.lot.rawValue)) [label=\(quote(label))];")
            }
            for child in node.children {
                let (from, to) = back ? (child.lot, node.lot) : (node.lot, child.lot)
                let label = child.quantity.map { " [label=\(quote($0.description))]" } ?? ""
                edges.append("  \(quote(from.rawValue)) -> \(quote(to.rawValue))\(label);")
                walk(child)
            }
        }
        walk(root)
        return (["digraph provenance {", "  rankdir=LR;", "  node [shape=box, fontname=\"Helvetica\"];", "  edge [fontname=\"Helvetica\"];"] + nodes + edges + ["}"])
            .joined(separator: "\n")
    }
}
