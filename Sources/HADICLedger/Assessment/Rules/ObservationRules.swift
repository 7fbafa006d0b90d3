import HADICCore

/// R-ETHANOL, R-NONCONFORM, R-NAME, R-LABTEST: what inspections, incidents and names say.
extension RuleRun {
    // MARK: R-ETHANOL

    mutating func checkEthanol() {
        var measured = 0
        for lot in closure.upstreamLots {
            let limits = market.ethanol.filter { $0.classes.contains(lot.record.materialClass) }
            let measurements = ethanolMeasurements(lot)
            measured += measurements.count
            guard let limit = limits.min(by: { (DecimalText.compare($0.maxPercent, $1.maxPercent) ?? 0) < 0 }) else {
                for (e, _) in measurements { with(.ethanol) { $0.used(event: e.id) } }
                continue
            }
            // The latest by its time (a retest recorded later in the ledger may be dated earlier).
            guard let (e, m) = measurements.max(by: { ($0.0.time, $0.0.index) < ($1.0.time, $1.0.index) }) else {
                with(.ethanol) {
                    $0.unknown("\(lot.id) (class \(lot.record.materialClass)) has no recorded ethanol result; \(code) requires under \(limit.maxPercent)%",
                               lot: lot.id.rawValue)
                }
                continue
            }
            with(.ethanol) { $0.used(event: e.id) }
            guard m.unit.hasPrefix("%") else {
                with(.ethanol) {
                    $0.unknown("the ethanol result on \(lot.id) (event \(e.stored.id.short)) is in \(m.unit), not a percentage to compare with \(code)'s limit",
                               lot: lot.id.rawValue, event: e.id)
                }
                continue
            }
            if case .lotInspect(let i) = e.body, i.result == .fail || i.result == .positive {
                with(.ethanol) {
                    $0.fail("the ethanol test on \(lot.id) (event \(e.stored.id.short)) is recorded as \(i.result.rawValue)", lot: lot.id.rawValue, event: e.id)
                }
            } else if (DecimalText.compare(m.value, limit.maxPercent) ?? 1) >= 0 {
                with(.ethanol) {
                    $0.fail("\(lot.id) has \(m.value) \(m.unit) ethanol (event \(e.stored.id.short)), not under \(code)'s \(limit.maxPercent)% for class \(lot.record.materialClass)",
                            lot: lot.id.rawValue, event: e.id)
                }
            }
        }
        with(.ethanol) { $0.note = "\(measured) ethanol results; \(market.ethanol.count) limits for \(code)" }
    }

    // MARK: R-NONCONFORM

    mutating func checkNonconformity() throws {
        var resolved = Set<EventID>()
        for e in closure.events.values {
            if case .lotIncident(let i) = e.body, let r = i.resolves { resolved.insert(r) }
        }
        var incidents = 0
        for lot in closure.ordered {
            for e in closure.events(of: lot, .incident) {
                guard case .lotIncident(let i) = e.body, i.kind != .resolution else { continue }
                incidents += 1
                with(.nonconformity) { $0.used(event: e.id) }
                if !resolved.contains(e.stored.id) {
                    with(.nonconformity) {
                        $0.fail("open \(i.kind.rawValue) on \(lot.id) (event \(e.stored.id.short), \(e.time)): \(i.description)", lot: lot.id.rawValue, event: e.id)
                    }
                }
            }
            for e in closure.events(of: lot, .recalled) {
                guard case .lotRecall(let rc) = e.body else { continue }
                with(.nonconformity) {
                    $0.fail("\(lot.id) was recalled (event \(e.stored.id.short), \(e.time)): \(rc.reason)", lot: lot.id.rawValue, event: e.id)
                }
            }
        }
        let declared = try checkDeclaredEvents()
        with(.nonconformity) { $0.note = "\(incidents) incidents upstream, all resolved; no recall; \(declared) events checked against error declarations" }
    }

    /// The assessment never rests on an event declared not to have occurred as recorded: every
    /// closure event an `event.declare-error` (dated by the assessment time) names fails
    /// R-NONCONFORM, naming the declaration, its reason and its corrective events (linked to
    /// the HADIC events that carry their hashes, where the ledger has them). Answers how many
    /// events were checked.
    mutating func checkDeclaredEvents() throws -> Int {
        guard !evidence.declarations.isEmpty else { return closure.steps.count }
        for step in closure.steps {
            let e = closure.event(of: step)
            guard let d = evidence.declarations[e.id], d.stored.time <= closure.time else { continue }
            var correctives: [String] = []
            for id in d.body.corrective {
                if let found = try evidence.source.eventCarrying(epcisHash: id), found.leafIndex < evidence.treeSize {
                    correctives.append("\(id) (event \(found.event.short))")
                } else {
                    correctives.append("\(id) (not in the ledger)")
                }
            }
            let lot = closure.ordered[Int(step.slot)].id
            let message = "event \(e.id.short) (\(e.type.rawValue) by \(e.actor), \(e.time)) was declared not to have occurred as recorded "
                + "by event \(d.stored.id.short) (\(d.body.declaredAt)" + (d.body.reason.map { ", reason \($0)" } ?? "") + ")"
                + (correctives.isEmpty ? "; no corrective event named" : "; corrective events: " + correctives.joined(separator: ", "))
            with(.nonconformity) {
                $0.fail(message, lot: lot.rawValue, event: e.id.hex)
                $0.used(event: d.stored.id)
            }
        }
        return closure.steps.count
    }

    // MARK: R-NAME

    mutating func checkNames() {
        let terms = policy.haramNames.map { Self.words($0) }.filter { !$0.isEmpty }
        for lot in closure.upstreamLots {
            let words = evidence.words(of: lot.record.product)
            for term in terms where Self.contains(words, term) {
                with(.name) {
                    $0.unknown("product name \"\(lot.record.product)\" of \(lot.id) contains \"\(term.joined(separator: " "))\": flagged for human review",
                               lot: lot.id.rawValue, event: lot.origin?.eventHex)
                }
            }
        }
        with(.name) { $0.note = "\(closure.upstreamLots.count) product names checked against \(terms.count) haram terms" }
    }

    static func words(_ text: String) -> [String] {
        text.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
    }

    static func contains(_ words: [String], _ term: [String]) -> Bool {
        guard !term.isEmpty, words.count >= term.count else { return false }
        return (0...(words.count - term.count)).contains { words[$0..<($0 + term.count)].elementsEqual(term) }
    }

    // MARK: R-LABTEST

    mutating func checkLabTests() {
        var required = 0
        for req in market.labTests {
            for lot in closure.upstreamLots where req.classes.contains(lot.record.materialClass) {
                required += 1
                let results = closure.events(of: lot, .inspected).compactMap { e -> (ClosureEvent, LotInspect)? in
                    guard case .lotInspect(let i) = e.body, i.test == req.test else { return nil }
                    return (e, i)
                }
                guard let (e, latest) = results.max(by: { ($0.0.time, $0.0.index) < ($1.0.time, $1.0.index) }) else {
                    with(.labTest) {
                        $0.unknown("\(lot.id) (class \(lot.record.materialClass)) has no \(req.test) result; \(code) requires one", lot: lot.id.rawValue)
                    }
                    continue
                }
                with(.labTest) { $0.used(event: e.id) }
                switch latest.result {
                case .pass, .negative:
                    continue
                case .fail, .positive:
                    with(.labTest) {
                        $0.fail("\(req.test) on \(lot.id) is \(latest.result.rawValue) (event \(e.stored.id.short))", lot: lot.id.rawValue, event: e.id)
                    }
                case .inconclusive:
                    with(.labTest) {
                        $0.unknown("\(req.test) on \(lot.id) is inconclusive (event \(e.stored.id.short))", lot: lot.id.rawValue, event: e.id)
                    }
                }
            }
        }
        with(.labTest) { $0.note = market.labTests.isEmpty ? "\(code) requires no lab test" : "\(required) required lab results recorded and clear" }
    }
}
