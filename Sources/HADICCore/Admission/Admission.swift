/// The admission rules: whether one parsed, signed event may join the ledger after `state`,
/// and if so, the state after it.
///
/// ``check(_:in:now:signatureValid:isKnownEvent:)`` never mutates; ``apply(_:to:)`` never fails
/// on an event that passed ``check``. So a refused event leaves no trace, and replaying the
/// admitted events from genesis rebuilds the same state.
public struct Admission: Sendable {
    /// Computes the GS1 CBV 2.0 event hash URI of a kept EPCIS event, or says why it cannot.
    /// HADICCore has no EPCIS code: HADICLedger supplies it (`Admission.withEPCIS`).
    public typealias EPCISHashCheck = @Sendable (EPCISCapture) -> Result<String, EPCISHashFailure>

    public let ledgerID: String
    /// Nil: every event carrying an `epcis` member is refused (`epcis-hash`), since its hash
    /// cannot be checked here.
    public let epcisHash: EPCISHashCheck?

    public init(ledgerID: String, epcisHash: EPCISHashCheck? = nil) {
        self.ledgerID = ledgerID
        self.epcisHash = epcisHash
    }

    /// - Parameters:
    ///   - now: the sequencer's clock (during a replay: the time of the block holding the event).
    ///   - signatureValid: the result of verifying the signature when it was already checked
    ///     (in parallel) against the key that the current state holds; nil to verify here.
    ///   - isKnownEvent: whether an event id is already in the ledger (or earlier in this batch).
    public func check(
        _ e: EventEnvelope, in state: LedgerState, now: Timestamp,
        signatureValid: Bool? = nil, isKnownEvent: (EventID) -> Bool
    ) throws(AdmissionError) {
        guard e.ledger == ledgerID else {
            throw AdmissionError(.ledgerID, "event is for ledger \(e.ledger.prefix(16))…, this is \(ledgerID.prefix(16))…")
        }
        // Before any key check: a resubmitted event is a duplicate even if its key was retired since.
        guard !isKnownEvent(e.id) else {
            throw AdmissionError(.duplicate, "event \(e.id) is already in the ledger")
        }
        guard e.time.nanoseconds <= now.nanoseconds + Limits.maxFutureSkewSeconds * 1_000_000_000 else {
            throw AdmissionError(.futureTime, "time \(e.time) is more than \(Limits.maxFutureSkewSeconds)s after \(now)")
        }
        guard let actor = state.parties[e.actor] else {
            throw AdmissionError(.unknownActor, "actor \(e.actor) is not a registered party")
        }
        guard actor.revokedBy == nil else {
            throw AdmissionError(.revokedActor, "actor \(e.actor) was revoked")
        }
        guard let key = state.activeKey(e.keyID, of: e.actor) else {
            let why = state.keys[e.keyID].map { $0.party != e.actor ? "belongs to \($0.party)" : "was retired" } ?? "is not registered"
            throw AdmissionError(.keyNotAuthorized, "key \(e.keyID.prefix(16))… \(why)")
        }
        let valid = signatureValid ?? key.publicKey.isValidSignature(e.signature, for: e.signingInput)
        guard valid else {
            throw AdmissionError(.signature, "signature does not verify under key \(e.keyID.prefix(16))… of \(e.actor)")
        }
        guard actor.role.permittedTypes.contains(e.type) else {
            throw AdmissionError(.role, "a \(actor.role.rawValue) may not sign \(e.type.rawValue)")
        }
        // Only imported events have the member: one nil test for every other event.
        if let epcis = e.epcis { try checkEPCIS(epcis, of: e, state: state) }
        try checkBody(e, actor: actor, state: state)
    }

    /// The rules `epcis-duplicate` and `epcis-hash` (docs/EVENTS.md, "The epcis member").
    private func checkEPCIS(_ c: EPCISCapture, of e: EventEnvelope, state: LedgerState) throws(AdmissionError) {
        // A declaration carries the declared event's hash by design (the hash leaves errorDeclaration out).
        if e.type != .eventDeclareError, let known = state.epcisEvents[c.hash.text] {
            throw AdmissionError(.epcisDuplicate, "an EPCIS event with hash \(c.hash) is already in the ledger (event \(known.event))")
        }
        guard let epcisHash else {
            throw AdmissionError(.epcisHash, "body.epcis: this admission cannot compute EPCIS event hashes")
        }
        switch epcisHash(c) {
        case .failure(let why):
            throw AdmissionError(.epcisHash, "body.epcis.event: its event hash cannot be computed: \(why)")
        case .success(let computed) where computed != c.hash.text:
            throw AdmissionError(.epcisHash, "body.epcis.hash is \(c.hash), but the kept EPCIS event hashes to \(computed)")
        case .success:
            break
        }
    }

    private func checkBody(_ e: EventEnvelope, actor: PartyRecord, state s: LedgerState) throws(AdmissionError) {
        switch e.body {
        case .partyRegister(let b):
            guard s.parties[b.party] == nil else { throw AdmissionError(.alreadyExists, "party \(b.party) is already registered") }
            guard s.keys[b.publicKey.keyID] == nil else { throw AdmissionError(.alreadyExists, "key \(b.publicKey.keyID.prefix(16))… is already registered") }
        case .partyRotateKey(let b):
            guard let p = s.parties[b.party] else { throw AdmissionError(.unknownReference, "party \(b.party) is not registered") }
            guard p.revokedBy == nil else { throw AdmissionError(.status, "party \(b.party) was revoked") }
            guard s.keys[b.publicKey.keyID] == nil else { throw AdmissionError(.alreadyExists, "key \(b.publicKey.keyID.prefix(16))… is already registered") }
            for k in b.retire {
                guard let r = s.keys[k], r.party == b.party else { throw AdmissionError(.unknownReference, "key \(k.prefix(16))… is not a key of \(b.party)") }
                guard r.retiredBy == nil else { throw AdmissionError(.status, "key \(k.prefix(16))… is already retired") }
            }
        case .partyRevoke(let b):
            guard let p = s.parties[b.party] else { throw AdmissionError(.unknownReference, "party \(b.party) is not registered") }
            guard p.revokedBy == nil else { throw AdmissionError(.status, "party \(b.party) is already revoked") }
            guard b.party != e.actor else { throw AdmissionError(.status, "a party cannot revoke itself") }
        case .certIssue(let b):
            guard s.parties[b.holder] != nil else { throw AdmissionError(.unknownReference, "holder \(b.holder) is not registered") }
            guard s.certificates[CertificateKey(issuer: e.actor, number: b.number)] == nil else {
                throw AdmissionError(.alreadyExists, "certificate \(b.number) of \(e.actor) already exists")
            }
        case .certSuspend(let b), .certRevoke(let b):
            guard let c = s.certificates[CertificateKey(issuer: e.actor, number: b.number)] else {
                throw AdmissionError(.unknownReference, "certificate \(b.number) was not issued by \(e.actor)")
            }
            guard c.status != .revoked else { throw AdmissionError(.status, "certificate \(b.number) is already revoked") }
            if case .certSuspend = e.body, c.status == .suspended {
                throw AdmissionError(.status, "certificate \(b.number) is already suspended")
            }
        case .lotCreate(let b):
            try checkNewLot(b.lot, actor: e.actor, state: s)
        case .lotTransform(let b):
            try checkDraw(b.inputs, from: e.actor, state: s, verb: "consume")
            for o in b.outputs { try checkNewLot(o.lot, actor: e.actor, state: s) }
        case .lotAggregate(let b):
            if let parent = s.lots[b.parent] {
                guard parent.kind == .container else { throw AdmissionError(.status, "\(b.parent) is a lot, not a container") }
                guard s.holding(b.parent, by: e.actor) > 0 else { throw AdmissionError(.custody, "\(e.actor) does not hold container \(b.parent)") }
            } else {
                try checkNewLot(b.parent, actor: e.actor, state: s)
            }
            try checkDraw(b.children, from: e.actor, state: s, verb: "pack")
        case .lotDisaggregate(let b):
            guard let parent = s.lots[b.parent] else { throw AdmissionError(.unknownReference, "container \(b.parent) is unknown") }
            guard parent.kind == .container else { throw AdmissionError(.status, "\(b.parent) is a lot, not a container") }
            guard s.holding(b.parent, by: e.actor) > 0 else { throw AdmissionError(.custody, "\(e.actor) does not hold container \(b.parent)") }
            for line in b.children {
                let lot = try knownLot(line.lot, state: s)
                try sameDimension(line, lot)
                let inside = s.contained(line.lot, in: b.parent)
                guard inside > 0 else { throw AdmissionError(.custody, "\(line.lot) is not inside \(b.parent)") }
                guard line.quantity.micro <= inside else {
                    throw AdmissionError(.massBalance, "unpacking \(line.quantity) of \(line.lot) but \(b.parent) holds \(format(inside, lot))")
                }
            }
        case .custodyShip(let b):
            guard let to = s.parties[b.to] else { throw AdmissionError(.unknownReference, "recipient \(b.to) is not registered") }
            guard to.revokedBy == nil else { throw AdmissionError(.status, "recipient \(b.to) was revoked") }
            guard b.to != e.actor else { throw AdmissionError(.custody, "a party cannot ship to itself") }
            if let c = b.carrier, s.parties[c] == nil { throw AdmissionError(.unknownReference, "carrier \(c) is not registered") }
            try checkDraw(b.lots, from: e.actor, state: s, verb: "ship")
        case .custodyReceive(let b):
            guard let ship = s.shipments[b.shipment] else {
                throw AdmissionError(.unknownReference, "shipment \(b.shipment) is not a custody.ship in this ledger")
            }
            guard ship.recipient == e.actor else { throw AdmissionError(.custody, "shipment \(b.shipment.short) is addressed to \(ship.recipient), not \(e.actor)") }
            guard ship.receivedBy == nil else { throw AdmissionError(.custody, "shipment \(b.shipment.short) was already received") }
            var claimed: [LotID: Int64] = [:]
            for line in b.lots {
                let lot = try knownLot(line.lot, state: s)
                try sameDimension(line, lot)
                claimed[line.lot] = line.quantity.micro
            }
            guard claimed == ship.lines else {
                throw AdmissionError(.custody, "received lots and quantities differ from shipment \(b.shipment.short)")
            }
        case .lotInspect(let b):
            _ = try knownLot(b.lot, state: s)
            if !actor.role.isOversight { try checkHolds(b.lot, actor: e.actor, state: s) }
        case .lotIncident(let b):
            _ = try knownLot(b.lot, state: s)
            if !actor.role.isOversight { try checkHolds(b.lot, actor: e.actor, state: s) }
            if let r = b.resolves {
                guard let incident = s.incidents[r], incident.lot == b.lot else {
                    throw AdmissionError(.unknownReference, "\(r.short) is not an incident on \(b.lot)")
                }
                guard incident.resolvedBy == nil else { throw AdmissionError(.status, "incident \(r.short) is already resolved") }
            }
        case .lotCleanse(let b):
            if let sup = b.supervisor, s.parties[sup] == nil {
                throw AdmissionError(.unknownReference, "supervisor \(sup) is not registered")
            }
        case .lotRecall(let b):
            let lot = try knownLot(b.lot, state: s)
            if !actor.role.isOversight && lot.creator != e.actor {
                throw AdmissionError(.custody, "only the creator of \(b.lot) (\(lot.creator)), a certifier or an admin may recall it")
            }
            guard lot.recalledBy == nil else { throw AdmissionError(.status, "\(b.lot) is already recalled") }
        case .eventDeclareError(let b):
            guard let declared = s.epcisEvents[b.declared.text] else {
                throw AdmissionError(.unknownReference, "no event with EPCIS hash \(b.declared) is in the ledger")
            }
            guard declared.event == b.event else {
                throw AdmissionError(.unknownReference, "event \(b.event.short) does not carry EPCIS hash \(b.declared) (event \(declared.event.short) does)")
            }
            guard e.epcis?.hash == b.declared else {
                throw AdmissionError(.epcisHash, "body.epcis.hash must be the declared hash \(b.declared): a declaration hashes as the event it declares")
            }
            guard declared.declaredBy == nil else {
                throw AdmissionError(.status, "event \(b.event.short) was already declared erroneous by \(declared.declaredBy?.short ?? "")")
            }
            guard e.actor == declared.actor || actor.role == .certifier || actor.role == .admin else {
                throw AdmissionError(.role, "only the declared event's actor (\(declared.actor)), a certifier or an admin may declare it erroneous")
            }
        case .policySet(let b):
            for (code, market) in b.markets {
                for issuer in market.issuers where s.parties[issuer.party]?.role != .certifier {
                    throw AdmissionError(.unknownReference, "market \(code) trusts \(issuer.party), which is not a registered certifier")
                }
            }
        }
    }

    private func knownLot(_ id: LotID, state: LedgerState) throws(AdmissionError) -> LotRecord {
        guard let lot = state.lots[id] else { throw AdmissionError(.unknownReference, "lot \(id) is unknown") }
        return lot
    }

    private func checkNewLot(_ id: LotID, actor: PartyID, state: LedgerState) throws(AdmissionError) {
        guard state.lots[id] == nil else { throw AdmissionError(.alreadyExists, "lot \(id) already exists") }
        if case .local(let owner) = id.form, owner != actor {
            throw AdmissionError(.namespace, "lot \(id) is in the namespace of \(owner), not \(actor)")
        }
    }

    private func checkHolds(_ id: LotID, actor: PartyID, state: LedgerState) throws(AdmissionError) {
        guard state.holding(id, by: actor) > 0 else { throw AdmissionError(.custody, "\(actor) does not hold \(id)") }
    }

    private func sameDimension(_ line: LotQuantity, _ lot: LotRecord) throws(AdmissionError) {
        guard line.quantity.dimension == lot.dimension else {
            throw AdmissionError(.massBalance, "\(line.lot) is measured by \(lot.dimension.rawValue), not in \(line.quantity.unit.rawValue)")
        }
    }

    private func format(_ micro: Int64, _ lot: LotRecord) -> String {
        let unit = lot.dimension.displayUnit
        return "\(Quantity.format(micro: micro, in: unit)) \(unit.rawValue)"
    }

    /// Lots taken out of the actor's holdings: each must be held, in the lot's dimension, and no more than remains.
    private func checkDraw(_ lines: [LotQuantity], from actor: PartyID, state s: LedgerState, verb: String) throws(AdmissionError) {
        for line in lines {
            let lot = try knownLot(line.lot, state: s)
            try sameDimension(line, lot)
            if lot.kind == .container {
                // A container moves whole (what is inside it moves with it), and is never an ingredient.
                guard verb != "consume" else {
                    throw AdmissionError(.status, "\(line.lot) is a container; unpack it (lot.disaggregate) before using its contents")
                }
                guard line.quantity.micro == QuantityUnit.pcs.microUnits else {
                    throw AdmissionError(.massBalance, "a container moves whole: \(line.lot) must be given as 1 pcs, not \(line.quantity)")
                }
            }
            let held = s.holding(line.lot, by: actor)
            guard held > 0 else { throw AdmissionError(.custody, "\(actor) does not hold \(line.lot)") }
            guard line.quantity.micro <= held else {
                throw AdmissionError(.massBalance, "cannot \(verb) \(line.quantity) of \(line.lot): \(actor) holds \(format(held, lot))")
            }
        }
    }

    // MARK: Apply

    /// The state after an event that passed ``check``. Needs nothing but the event and the
    /// state, so a rebuild from stored events can call it without an `Admission`.
    public static func apply(_ e: EventEnvelope, to s: inout LedgerState) {
        let actor = e.actor
        if let c = e.epcis {
            if case .eventDeclareError(let b) = e.body {
                if var declared = s.epcisEvents[b.declared.text] { declared.declaredBy = e.id; s.setEPCISEvent(b.declared.text, declared) }
            } else {
                s.setEPCISEvent(c.hash.text, EPCISEventRecord(event: e.id, actor: actor, version: c.hash.version, declaredBy: nil))
            }
        }
        switch e.body {
        case .partyRegister(let b):
            s.setParty(b.party, PartyRecord(role: b.role, name: b.name, registeredBy: e.id, revokedBy: nil))
            s.setKey(b.publicKey.keyID, KeyRecord(party: b.party, publicKey: b.publicKey, addedBy: e.id, retiredBy: nil))
        case .partyRotateKey(let b):
            s.setKey(b.publicKey.keyID, KeyRecord(party: b.party, publicKey: b.publicKey, addedBy: e.id, retiredBy: nil))
            for k in b.retire {
                if var r = s.keys[k] { r.retiredBy = e.id; s.setKey(k, r) }
            }
        case .partyRevoke(let b):
            if var p = s.parties[b.party] { p.revokedBy = e.id; s.setParty(b.party, p) }
        case .certIssue(let b):
            s.setCertificate(CertificateKey(issuer: actor, number: b.number),
                             CertificateRecord(holder: b.holder, status: .active, validFrom: b.validFrom,
                                               validUntil: b.validUntil, issuedBy: e.id, statusBy: nil))
        case .certSuspend(let b), .certRevoke(let b):
            let key = CertificateKey(issuer: actor, number: b.number)
            if var c = s.certificates[key] {
                if case .certSuspend = e.body { c.status = .suspended } else { c.status = .revoked }
                c.statusBy = e.id
                s.setCertificate(key, c)
            }
        case .lotCreate(let b):
            s.setLot(b.lot, LotRecord(kind: .lot, product: b.product, materialClass: b.materialClass,
                                      dimension: b.quantity.dimension, creator: actor, createdBy: e.id, recalledBy: nil))
            add(b.quantity.micro, of: b.lot, to: actor, in: &s)
        case .lotTransform(let b):
            for line in b.inputs { add(-line.quantity.micro, of: line.lot, to: actor, in: &s) }
            for o in b.outputs {
                s.setLot(o.lot, LotRecord(kind: .lot, product: o.product, materialClass: o.materialClass,
                                          dimension: o.quantity.dimension, creator: actor, createdBy: e.id, recalledBy: nil))
                add(o.quantity.micro, of: o.lot, to: actor, in: &s)
            }
        case .lotAggregate(let b):
            if s.lots[b.parent] == nil {
                s.setLot(b.parent, LotRecord(kind: .container, product: "container", materialClass: "container",
                                             dimension: .count, creator: actor, createdBy: e.id, recalledBy: nil))
                add(QuantityUnit.pcs.microUnits, of: b.parent, to: actor, in: &s)
            }
            for line in b.children {
                add(-line.quantity.micro, of: line.lot, to: actor, in: &s)
                let k = ContainmentKey(parent: b.parent, lot: line.lot)
                s.setContainment(k, s.contained(line.lot, in: b.parent) + line.quantity.micro)
            }
        case .lotDisaggregate(let b):
            for line in b.children {
                let k = ContainmentKey(parent: b.parent, lot: line.lot)
                s.setContainment(k, s.contained(line.lot, in: b.parent) - line.quantity.micro)
                add(line.quantity.micro, of: line.lot, to: actor, in: &s)
            }
        case .custodyShip(let b):
            var lines: [LotID: Int64] = [:]
            for line in b.lots {
                add(-line.quantity.micro, of: line.lot, to: actor, in: &s)
                lines[line.lot] = line.quantity.micro
            }
            s.setShipment(e.id, ShipmentRecord(sender: actor, recipient: b.to, lines: lines, receivedBy: nil))
        case .custodyReceive(let b):
            guard var ship = s.shipments[b.shipment] else { return }
            for (lot, micro) in ship.lines { add(micro, of: lot, to: actor, in: &s) }
            ship.receivedBy = e.id
            s.setShipment(b.shipment, ship)
        case .lotIncident(let b):
            if let r = b.resolves, var incident = s.incidents[r] {
                incident.resolvedBy = e.id
                s.setIncident(r, incident)
            } else {
                s.setIncident(e.id, IncidentRecord(lot: b.lot, resolvedBy: nil))
            }
        case .lotRecall(let b):
            if var lot = s.lots[b.lot] { lot.recalledBy = e.id; s.setLot(b.lot, lot) }
        case .lotInspect, .lotCleanse, .policySet, .eventDeclareError:
            break
        }
    }

    private static func add(_ micro: Int64, of lot: LotID, to party: PartyID, in s: inout LedgerState) {
        let k = HoldingKey(lot: lot, holder: party)
        s.setHolding(k, (s.holdings[k] ?? 0) + micro)
    }
}
