import HADICCore

/// R-SIG, R-CUSTODY, R-MASS: that the recorded history is signed, continuous and balanced.
extension RuleRun {
    // MARK: R-SIG

    mutating func checkSignatures() throws {
        var r = book.results[AssessmentRule.signature.position]  // empty: this check alone reports it
        // Every closure event is checked; only those with a problem are listed.
        for step in closure.steps {
            let index = step.index
            if remember, !verifySignatures, evidence.soundSigners.contains(index) { continue }
            let e = closure.event(of: step)
            var problems = try evidence.signerProblems(of: e)
            if verifySignatures, let (key, _, _) = try evidence.key(e.keyID), key.party == e.actor, try !signatureVerifies(at: index, under: key) {
                problems.append("the signature of event \(e.id.short) does not verify under key \(e.keyID.prefix(16))…")
            }
            for message in problems { r.fail(message, event: e.id.hex) }
            if remember, problems.isEmpty { evidence.soundSigners.insert(index) }
        }
        r.note = "\(closure.steps.count) events, each by a key registered to its actor and live at its time"
            + (verifySignatures ? "; signatures re-verified" : "; signatures verified at admission")
        book.results[AssessmentRule.signature.position] = r
    }

    // MARK: R-CUSTODY

    mutating func checkCustody() {
        var r = book.results[AssessmentRule.custody.position]  // empty: this check alone reports it
        var checked = 0
        for lot in closure.ordered {
            // Rows remembered whole (the same in every closure that takes them) found sound once stay sound.
            let fragment = remember ? lot.fragment : nil
            if let shipments = fragment?.soundCustodyShipments {
                checked += shipments
                continue
            }
            var sound = true
            let shipments = Self.checkCustody(of: lot.id, madeBy: origin(lot), shipped: lot.rows(.shipped), received: lot.rows(.received),
                                              uses: lot.packs ? lot.rows(.consumed) + lot.rows(.packed) : lot.rows(.consumed)) { message, event in
                sound = false
                r.fail(message, lot: lot.id.rawValue, event: event)
            }
            checked += shipments
            if let fragment, sound { fragment.soundCustodyShipments = shipments }
        }
        r.note = "\(checked) shipments matched by their receives (same lots and quantities, enforced at admission)"
        book.results[AssessmentRule.custody.position] = r
    }

    /// R-CUSTODY's checks of one lot's kept rows, in ledger order: each shipment is after the
    /// lot was made and before its receipt (the lot's own: a shipment is received once, with the
    /// same lots), and each use (consumption, then packing) is after the lot was made and after
    /// the user's last receipt of it before the use. Reports each problem with the event behind
    /// it; answers how many shipments it checked. (A node checks the rows it prepared for each
    /// single use of an ingredient once, at start: ``LedgerEvidence/prepare(markets:at:)``.)
    static func checkCustody(of lot: LotID, madeBy made: LotLink?, shipped: [LotLink], received: [LotLink], uses: [LotLink],
                             fail: (_ message: String, _ event: String) -> Void) -> Int {
        for ship in shipped {
            if let made, ship.time < made.time {
                fail("\(lot) is shipped at \(ship.time) (event \(ship.event.id.short)), before it was made at \(made.time)", ship.eventHex)
            }
            // Unreceived: in transit, so the receiver cannot have used it yet.
            let id = ship.event.id
            guard let receive = received.first(where: { $0.shipment == id }) else { continue }
            if receive.time < ship.time {
                fail("\(lot) is received at \(receive.time) (event \(receive.event.id.short)), before its shipment at \(ship.time) (event \(ship.event.id.short))",
                     receive.eventHex)
            }
        }
        // A holder uses what it received only after receiving it (uses, then packings).
        for use in uses {
            if let made, use.time < made.time {
                fail("\(lot) is used at \(use.time) (event \(use.event.id.short)), before it was made at \(made.time)", use.eventHex)
            }
            if let last = received.last(where: { $0.leafIndex < use.leafIndex && $0.actor == use.actor }), use.time < last.time {
                fail("\(use.actor) uses \(lot) at \(use.time) (event \(use.event.id.short)), before receiving it at \(last.time) (event \(last.event.id.short))",
                     use.eventHex)
            }
        }
        return shipped.count
    }

    // MARK: R-MASS

    mutating func checkMass() {
        var r = book.results[AssessmentRule.massBalance.position]  // empty: this check alone reports it
        var compared = 0, incomparable = 0
        let gain = Self.scaledPercent(policy.massGainPercent)
        var seen = Set<UInt64>()
        for lot in closure.upstreamLots {
            guard let o = origin(lot), o.role == .produced, seen.insert(o.leafIndex).inserted else { continue }
            let ins = lot.ingredients.compactMap(\.quantity), outs = lot.outputs.compactMap(\.quantity)
            // Comparable when every quantity has one dimension, and it is not a count.
            let dimension = (ins.first ?? outs.first)?.unit.dimension
            guard let dimension, dimension != .count, ins.allSatisfy({ $0.unit.dimension == dimension }),
                  outs.allSatisfy({ $0.unit.dimension == dimension }) else { incomparable += 1; continue }
            compared += 1
            let inMicro = ins.reduce(Int128(0)) { $0 + Int128($1.micro) }
            let outMicro = outs.reduce(Int128(0)) { $0 + Int128($1.micro) }
            // out <= in * (1 + gain/100), with gain scaled by 10^6.
            if outMicro * 100_000_000 > inMicro * (100_000_000 + gain) {
                r.fail("event \(o.event.id.short) by \(o.actor) makes more than it consumes (over the policy's \(policy.massGainPercent)% gain): an undeclared input?",
                       lot: lot.id.rawValue, event: o.eventHex)
            }
        }
        r.note = "\(compared) transformations within \(policy.massGainPercent)% gain"
            + (incomparable > 0 ? ", \(incomparable) mixing dimensions not compared" : "") + "; draws within holdings (enforced at admission)"
        book.results[AssessmentRule.massBalance.position] = r
    }

    /// A percent in decimal text, times 10^6 (so "2.5" is 2,500,000); beyond 6 decimals truncated.
    static func scaledPercent(_ text: String) -> Int128 {
        let parts = text.split(separator: ".", maxSplits: 1)
        let whole = Int128(parts.first.flatMap { Int64($0) } ?? 0)
        var frac = parts.count > 1 ? String(parts[1].prefix(6)) : ""
        frac += String(repeating: "0", count: 6 - frac.count)
        return whole * 1_000_000 + Int128(Int64(frac) ?? 0)
    }


    /// Re-reads the event's stored bytes (the closure keeps only index rows) and checks its signature.
    func signatureVerifies(at index: UInt64, under key: KeyRecord) throws -> Bool {
        guard let stored = try evidence.source.event(at: index), let envelope = try? EventEnvelope.parse(stored.leafBytes) else { return false }
        return key.publicKey.isValidSignature(envelope.signature, for: envelope.signingInput)
    }
}
