import HADICCore
import HADICLedger
import HADICStore

/// Lines of a report, in the order they are written.
struct ReportText {
    private(set) var text = ""
    mutating func line(_ s: String) { text += s + "\n" }
}

/// The reports of `hadic history`, `custody`, `balance` and `certs`, as text or JSON: what
/// the commands print on a data directory and what a node answers for them.
enum LedgerReports {
    static func history(_ lotID: LotID, json: Bool, store: SQLiteLedgerStore) throws -> String {
        var out = ReportText()
        let history = try store.history(of: lotID)
        guard !history.isEmpty else { throw QueryRunner.Failure("no event in this ledger touches \(lotID)") }
        if json {
            let rows: [JSONValue] = history.map { item in
                .object([
                    "index": .number(JSONNumber(Int(item.event.index))), "block": .number(JSONNumber(Int(item.event.block))),
                    "id": .string(item.event.id.hex), "time": .string(item.event.time.text),
                    "type": .string(item.event.type.rawValue), "actor": .string(item.event.actor.rawValue),
                    "role": .string(item.role.rawValue),
                ])
            }
            out.line(JSONValue.array(rows).prettyPrinted())
        } else {
            out.line("history of \(lotID): \(history.count) events")
            for item in history {
                let e = item.event
                out.line("\(e.index)\t\(e.time)\t\(e.type.rawValue)\t\(e.actor)\t\(item.role.rawValue)\t\(e.id.short)")
            }
        }
        return out.text
    }

    /// One event by id or EPCIS event hash: its id, leaf index, block and signed envelope, and
    /// for an imported event its hash, the hash's version and the declaration naming it.
    static func event(_ text: String, store: SQLiteLedgerStore) throws -> String {
        var extra: [String: JSONValue] = [:]
        let eventID: EventID
        if let hash = EPCISHashURI(text) {
            guard let found = try store.epcisEvent(hash: hash.text) else { throw QueryRunner.Failure("no event with EPCIS hash \(text) in this ledger") }
            eventID = found.event
            extra = ["epcis_hash": .string(hash.text), "epcis_hash_version": .string(found.version)]
            if let d = found.declaredBy { extra["declared_by"] = .string(d.hex) }
        } else if let plain = EventID(hex: text) {
            eventID = plain
        } else {
            throw QueryRunner.Failure("not an event id (64 lowercase hex digits) or an EPCIS event hash: \(text)")
        }
        guard let e = try store.event(id: eventID) else { throw QueryRunner.Failure("no event \(text) in this ledger") }
        var value: [String: JSONValue] = [
            "id": .string(e.id.hex), "index": .number(JSONNumber(Int(e.index))), "block": .number(JSONNumber(Int(e.block))),
            "event": (try? JSONValue.parse(e.leafBytes)) ?? .null,
        ]
        value.merge(extra) { a, _ in a }
        return JSONValue.object(value).prettyPrinted() + "\n"
    }

    static func custody(_ lotID: LotID, json: Bool, store: SQLiteLedgerStore) throws -> String {
        var out = ReportText()
        guard try store.lot(lotID) != nil else { throw QueryRunner.Failure("no lot \(lotID) in this ledger") }
        let lot = lotID.rawValue
        let chain = try CustodyChain.of(lotID, from: store)
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
            out.line(JSONValue.object([
                "lot": .string(lot), "holders": .array(chain.holders.map { .string($0.rawValue) }),
                "entries": .array(entries), "unmatched": .array(chain.unmatchedShipments.map { .string($0.step.eventID.hex) }),
            ]).prettyPrinted())
            return out.text
        }
        out.line("custody of \(lot)")
        for e in chain.entries {
            var line = "\(e.step.time)  \(e.kind.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(e.step.actor)"
            switch e.kind {
            case .shipped: line += " -> \(e.to.map(\.rawValue) ?? "?")" + (e.receivedBy == nil ? "  NOT RECEIVED" : "")
            case .packed: line += " into \(e.container.map(\.rawValue) ?? "?")"
            case .unpacked: line += " from \(e.container.map(\.rawValue) ?? "?")"
            case .made, .received: break
            }
            if e.kind == .shipped || e.kind == .received, let c = e.container { line += "  (inside \(c))" }
            out.line(line + "  [\(e.step.type.rawValue) \(e.step.eventID.short)]")
        }
        out.line("holders: " + chain.holders.map(\.rawValue).joined(separator: " -> "))
        let unmatched = chain.unmatchedShipments
        out.line(unmatched.isEmpty ? "every shipment was received" : "unmatched shipments: " + unmatched.map { $0.step.eventID.short }.joined(separator: ", "))
        return out.text
    }

    static func balance(_ subject: String, json: Bool, store: SQLiteLedgerStore) throws -> String {
        var out = ReportText()
        if let lot = LotID(subject), let record = try store.lot(lot) {
            try lotBalance(lot, record, json: json, store, &out)
        } else if let party = PartyID(subject) {
            try partyHoldings(party, json: json, store, &out)
        } else {
            throw QueryRunner.Failure("\(subject) is neither a lot nor a party of this ledger")
        }
        return out.text
    }

    static func certs(holder: PartyID?, at time: Timestamp, json: Bool, store: SQLiteLedgerStore) throws -> String {
        var out = ReportText()
        let timelines = try store.certificateTimelines()
        let certs = timelines.filter { holder == nil || $0.issue.holder == holder }
        if json {
            out.line(JSONValue.array(certs.map { certificateJSON($0, at: time) }).prettyPrinted())
            return out.text
        }
        out.line("\(certs.count) certificates" + (holder.map { " held by \($0)" } ?? "") + " at \(time)")
        for c in certs {
            let i = c.issue
            out.line("\(i.number)  \(c.status(at: time).rawValue)  issuer \(c.issuer)" + (i.scheme.map { " (\($0))" } ?? "")
                  + "  holder \(i.holder)  valid \(i.validFrom)..\(i.validUntil)" + (i.selfDeclared ? "  self-declared" : ""))
            var scope: [String] = []
            for (name, values) in [("products", i.scope.products), ("classes", i.scope.classes), ("gtins", i.scope.gtins),
                                   ("facilities", i.scope.facilities), ("services", i.scope.services)] where !values.isEmpty {
                scope.append("\(name) " + values.joined(separator: ", "))
            }
            out.line("  scope: " + scope.joined(separator: "; "))
            for change in c.changes {
                let later = time < change.time ? " (after \(time))" : ""
                out.line("  \(change.kind == .certRevoke ? "revoked" : "suspended") \(change.time)\(later): \(change.reason)")
            }
        }
        return out.text
    }

    private static func unit(_ record: LotRecord) -> QuantityUnit {
        record.dimension.displayUnit
    }

    private static func lotBalance(_ lot: LotID, _ record: LotRecord, json: Bool, _ store: SQLiteLedgerStore, _ out: inout ReportText) throws {
        let b = try LotBalance.of(lot, from: store)
        let holders = try store.holdings(of: lot)
        let u = unit(record)
        func f(_ micro: Int64) -> String { Quantity.format(micro: micro, in: u) }
        guard holders.reduce(0, { $0 + $1.amount }) == b.held else {
            throw QueryRunner.Failure("stored holdings of \(lot) (\(f(holders.reduce(0) { $0 + $1.amount }))) differ from its events (\(f(b.held))); run `hadic verify --full`")
        }
        if json {
            out.line(JSONValue.object([
                "lot": .string(lot.rawValue), "unit": .string(u.rawValue),
                "made": .string(f(b.made)), "received": .string(f(b.received)), "consumed": .string(f(b.consumed)),
                "shipped": .string(f(b.shipped)), "packed": .string(f(b.packed)), "unpacked": .string(f(b.unpacked)),
                "held": .string(f(b.held)), "in_containers": .string(f(b.inContainers)), "in_transit": .string(f(b.inTransit)),
                "holders": .array(holders.map { .object(["party": .string($0.holder.rawValue), "amount": .string(f($0.amount))]) }),
            ]).prettyPrinted())
            return
        }
        out.line("balance of \(lot) — \(record.product) (\(record.materialClass)), in \(u.rawValue)")
        for (name, value) in [("made", b.made), ("received", b.received), ("consumed", b.consumed), ("shipped", b.shipped),
                              ("packed", b.packed), ("unpacked", b.unpacked)] {
            out.line("  \(name.padding(toLength: 14, withPad: " ", startingAt: 0))\(f(value))")
        }
        out.line("  \("held".padding(toLength: 14, withPad: " ", startingAt: 0))\(f(b.held))"
              + (holders.isEmpty ? "" : "  (" + holders.map { "\($0.holder) \(f($0.amount))" }.joined(separator: ", ") + ")"))
        out.line("  \("in containers".padding(toLength: 14, withPad: " ", startingAt: 0))\(f(b.inContainers))")
        out.line("  \("in transit".padding(toLength: 14, withPad: " ", startingAt: 0))\(f(b.inTransit))")
    }

    private static func partyHoldings(_ party: PartyID, json: Bool, _ store: SQLiteLedgerStore, _ out: inout ReportText) throws {
        var rows: [(LotID, LotRecord?, Int64)] = []
        for h in try store.holdings(by: party) { rows.append((h.lot, try store.lot(h.lot), h.amount)) }
        func describe(_ record: LotRecord?, _ micro: Int64) -> (String, String) {
            guard let record else { return (String(micro), "micro") }
            let u = unit(record)
            return (Quantity.format(micro: micro, in: u), u.rawValue)
        }
        if json {
            out.line(JSONValue.object([
                "party": .string(party.rawValue),
                "holdings": .array(rows.map { lot, record, micro in
                    let (amount, u) = describe(record, micro)
                    return .object(["lot": .string(lot.rawValue), "product": record.map { .string($0.product) } ?? .null,
                                    "amount": .string(amount), "unit": .string(u)])
                }),
            ]).prettyPrinted())
            return
        }
        out.line("\(party) holds \(rows.count) lots")
        for (lot, record, micro) in rows {
            let (amount, u) = describe(record, micro)
            out.line("  \(amount) \(u)  \(lot)" + (record.map { " — \($0.product)" } ?? ""))
        }
    }

    private static func certificateJSON(_ c: CertificateTimeline, at time: Timestamp) -> JSONValue {
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
