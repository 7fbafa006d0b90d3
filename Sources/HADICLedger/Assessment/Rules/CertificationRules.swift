import HADICCore

/// R-CERT-VALID, R-ISSUER, R-BOM, R-CRITICAL, R-SELF-DECLARE, R-COMPOSITION, R-SLAUGHTER:
/// that every step and input is covered by recognised certificates.
extension RuleRun {
    // MARK: R-CERT-VALID, R-ISSUER: the producer of the assessed lot

    /// The lots whose maker is "the producer": the assessed lot, or what a container holds.
    func producedLots() -> [ClosureLot] {
        var out: [ClosureLot] = []
        var stack = closure.lots[closure.root].map { [$0] } ?? []
        var seen = Set<Int>()
        while let lot = stack.popLast() {
            guard seen.insert(lot.slot).inserted else { continue }
            if lot.record.kind == .container { stack += lot.inputs.map(\.lot) } else { out.append(lot) }
        }
        return out
    }

    mutating func report(_ coverage: Coverage, for lot: ClosureLot, role: String) {
        guard let o = origin(lot) else {
            with(.certificateValid) { $0.unknown("\(lot.id) has no making event in the ledger", lot: lot.id.rawValue) }
            return
        }
        switch coverage {
        case .covered(let c):
            relied(.certificateValid, on: c); with(.certificateValid) { $0.used(lot: lot.id) }
            relied(.issuer, on: c)
        case .unrecognised(let c):
            with(.issuer) {
                $0.fail("certificate \(c.issue.number) of \(o.actor) (\(role) of \(lot.id)) is issued by \(c.issuer), which \(code) does not recognise at \(o.time)",
                        lot: lot.id.rawValue, event: o.eventHex)
                $0.used(certificate: Self.certRef(c))
            }
        case .inactive(let c, let status):
            with(.certificateValid) {
                $0.fail("certificate \(c.issue.number) of \(o.actor) covering \(lot.id) was \(status.rawValue) at \(o.time) (event \(o.event.id.short))",
                        lot: lot.id.rawValue, event: o.eventHex)
                $0.used(certificate: Self.certRef(c))
            }
        case .none:
            with(.certificateValid) {
                $0.fail("\(o.actor) held no certificate covering \(lot.id) (class \(lot.record.materialClass)"
                        + (facility(o).map { ", facility \($0)" } ?? "") + ") when it made it at \(o.time)",
                        lot: lot.id.rawValue, event: o.eventHex)
            }
        }
    }

    mutating func checkProducers() throws {
        for lot in producedLots() { report(coverage(lot), for: lot, role: "producer") }
    }

    // MARK: R-BOM, R-CRITICAL, R-SELF-DECLARE

    mutating func checkInputs() {
        var inputsChecked = 0, criticalChecked = 0
        var seen = Set<UInt64>()
        for lot in closure.upstreamLots {
            guard let o = origin(lot), o.role == .produced, seen.insert(o.leafIndex).inserted else { continue }
            for (_, input) in lot.inputs {
                let id = input.id
                inputsChecked += 1
                let critical = isCritical(input)
                if critical { criticalChecked += 1 }
                let rule: AssessmentRule = critical ? .critical : .billOfMaterials
                with(rule) { $0.used(lot: id) }
                guard !hasEvidence(input) else { continue }
                let cov = coverage(input)
                switch cov {
                case .inactive, .unrecognised:
                    report(cov, for: input, role: "supplier")
                case .covered, .none:
                    break
                }
                let what = critical ? "critical input" : "input"
                let maker = origin(input).map { " (made by \($0.actor))" } ?? ""
                with(rule) {
                    $0.fail("\(what) \(id) (class \(input.record.materialClass))\(maker) of event \(o.event.id.short) is "
                            + (critical ? "" : "not on the positive list, ") + "not covered by a recognised certificate of its supplier, and not itself supported",
                            lot: id.rawValue, event: o.eventHex)
                }
            }
        }
        if closure.truncated {
            with(.billOfMaterials) {
                $0.unknown("the closure is deeper than \(LotClosure.maxDepth) levels; ingredients below that were not followed")
            }
        }
        with(.billOfMaterials) { $0.note = "\(inputsChecked) inputs, each listed or covered by its maker's recognised certificate" }
        with(.critical) { $0.note = "\(criticalChecked) critical inputs, each covered by its maker's recognised certificate (never by the positive list)" }
        checkSelfDeclared()
    }

    mutating func checkSelfDeclared() {
        let ethanolClasses = Set(market.ethanol.flatMap(\.classes))
        var count = 0
        for lot in closure.upstreamLots {
            guard case .covered(let c) = coverage(lot), c.issue.selfDeclared, let o = origin(lot) else { continue }
            count += 1
            relied(.selfDeclare, on: c)
            if ethanolClasses.contains(lot.record.materialClass) {
                with(.selfDeclare) {
                    $0.fail("\(lot.id) (class \(lot.record.materialClass)) needs an ethanol test, which self-declared certificate \(c.issue.number) cannot cover",
                            lot: lot.id.rawValue, event: o.eventHex)
                }
            }
            for (_, input) in lot.inputs {
                let id = input.id
                var simple = onPositiveList(input)
                if !simple, case .covered = coverage(input) { simple = !isCritical(input) }
                if !simple {
                    with(.selfDeclare) {
                        $0.fail("self-declared certificate \(c.issue.number) covers \(lot.id), but its input \(id) (class \(input.record.materialClass)) is neither listed nor certified: not a simple product",
                                lot: lot.id.rawValue, event: o.eventHex)
                    }
                }
            }
        }
        with(.selfDeclare) { $0.note = count == 0 ? "no self-declared certificate relied on" : "\(count) lots under self-declared certificates" }
    }

    // MARK: R-COMPOSITION

    mutating func checkComposition() {
        var count = 0
        var seen = Set<UInt64>()
        // Each certificate's composition as a set, made once (many lots share a certificate).
        var compositions: [Int: Set<String>] = [:]
        for lot in closure.upstreamLots {
            guard let o = origin(lot), o.role == .produced, case .covered(let c) = coverage(lot),
                  seen.insert(o.leafIndex).inserted else { continue }
            count += 1
            relied(.composition, on: c); with(.composition) { $0.used(event: o.event.id) }
            guard !c.issue.composition.isEmpty else {
                with(.composition) {
                    $0.unknown("certificate \(c.issue.number) of \(o.actor) records no composition to compare event \(o.event.id.short) with",
                               lot: lot.id.rawValue, event: o.eventHex)
                }
                continue
            }
            let allowed = compositions[c.position] ?? Set(c.issue.composition)
            compositions[c.position] = allowed
            for (_, input) in lot.inputs where !allowed.contains(input.record.materialClass) {
                let id = input.id
                with(.composition) {
                    $0.fail("event \(o.event.id.short) makes \(lot.id) from \(id) (class \(input.record.materialClass)), outside the composition certificate \(c.issue.number) covers (\(c.issue.composition.joined(separator: ", "))): certificate update required",
                            lot: lot.id.rawValue, event: o.eventHex)
                }
            }
        }
        with(.composition) { $0.note = "\(count) certified transformations match their certificates' compositions" }
    }

    // MARK: R-SLAUGHTER

    mutating func checkSlaughter() {
        var count = 0
        for lot in closure.upstreamLots where policy.animal.contains(lot.record.materialClass) {
            count += 1
            _ = traceSlaughter(lot)
        }
        with(.slaughter) { $0.note = count == 0 ? "no animal-derived lot" : "\(count) animal-derived lots trace to a certified slaughter" }
    }

    /// Whether an animal-derived lot traces back to a certified slaughter; reports the first gap.
    mutating func traceSlaughter(_ lot: ClosureLot) -> Bool {
        if let known = slaughterMemo[lot.slot] { return known }
        slaughterMemo[lot.slot] = false
        let id = lot.id
        guard let o = origin(lot) else { return false }
        var ok = false
        switch o.role {
        case .produced:
            let ins = lot.inputs.map(\.lot)
            if ins.contains(where: { policy.liveAnimals.contains($0.record.materialClass) }) {
                if case .covered(let c) = coverage(lot) {
                    ok = true
                    relied(.slaughter, on: c); with(.slaughter) { $0.used(event: o.event.id) }
                } else {
                    with(.slaughter) {
                        $0.fail("slaughter event \(o.event.id.short) by \(o.actor) making \(id) is not covered by an active recognised certificate",
                                lot: id.rawValue, event: o.eventHex)
                    }
                }
            } else {
                let animal = ins.filter { policy.animal.contains($0.record.materialClass) }
                if animal.isEmpty {
                    with(.slaughter) {
                        $0.fail("\(id) (class \(lot.record.materialClass)) is made by event \(o.event.id.short) from no live animal or animal-derived input",
                                lot: id.rawValue, event: o.eventHex)
                    }
                } else {
                    ok = animal.allSatisfy { traceSlaughter($0) }
                }
            }
        case .created:
            let slaughterhouse = (evidence.certificates[o.actor] ?? []).contains {
                $0.issue.scope.services.contains("slaughter") && $0.status(at: o.time) == .active && recognised($0, at: o.time)
            }
            ok = slaughterhouse
            if !slaughterhouse {
                with(.slaughter) {
                    $0.fail("\(id) (class \(lot.record.materialClass)) was created by \(o.actor) (event \(o.event.id.short)) without a slaughter step or a recognised slaughter certificate",
                            lot: id.rawValue, event: o.eventHex)
                }
            }
        default:
            break
        }
        slaughterMemo[lot.slot] = ok
        return ok
    }

}
