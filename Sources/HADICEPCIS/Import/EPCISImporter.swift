import HADICCore

/// An EPCIS document taken through the mapping and HADIC's admission rules, event by event,
/// against a copy of the ledger's state: what `hadic epcis import` applies, or why not.
///
/// Guarantees: ``run(_:)`` changes nothing but its own copy of the state. Each event is mapped
/// against the state after the events before it (so a receipt finds a shipment earlier in the
/// same document), signed, and checked by the same ``Admission`` (EPCIS hash check included)
/// a sequencer runs; an event that fails either is reported and left out of the state the
/// later events see. The caller applies ``Outcome/admitted`` only when it accepts the
/// failures (none, or `--skip-invalid`).
public struct EPCISImporter {
    public let mapper: EPCISEventMapper
    public let admission: Admission
    /// Signs a mapped event as the importing party (the key stays with the caller).
    public let sign: (EPCISMappedEvent) throws -> EventEnvelope
    /// The sequencer's clock, for the future-time rule.
    public let now: Timestamp

    public init(mapper: EPCISEventMapper, admission: Admission, now: Timestamp, sign: @escaping (EPCISMappedEvent) throws -> EventEnvelope) {
        self.mapper = mapper
        self.admission = admission
        self.now = now
        self.sign = sign
    }

    /// One imported event: its place in the document and the signed HADIC event.
    public struct Imported: Sendable {
        public let index: Int
        public let eventID: String?
        public let envelope: EventEnvelope
        public let hash: EPCISEventHash
    }

    public struct Outcome: Sendable {
        public var admitted: [Imported] = []
        public var problems: [EPCISMappingProblem] = []
        /// The state after the admitted events.
        public var state: LedgerState
    }

    public func run(_ events: [EPCISEvent], state initial: LedgerState, isKnownEvent: (EventID) -> Bool) -> Outcome {
        var outcome = Outcome(state: initial)
        var ids = Set<EventID>()
        for event in events {
            do {
                let mapped = try mapper.map(event, state: outcome.state)
                let envelope: EventEnvelope
                do {
                    envelope = try sign(mapped)
                } catch {
                    throw EPCISMappingProblem(index: event.index, eventID: event.eventID, field: "(event)", reason: "the mapped HADIC event is refused: \(error)")
                }
                do throws(AdmissionError) {
                    try admission.check(envelope, in: outcome.state, now: now) { ids.contains($0) || isKnownEvent($0) }
                } catch {
                    throw EPCISMappingProblem(index: event.index, eventID: event.eventID, field: "(event)",
                                              reason: "HADIC refuses the mapped \(mapped.type.rawValue): rule \(error.rule.rawValue): \(error.detail)")
                }
                Admission.apply(envelope, to: &outcome.state)
                ids.insert(envelope.id)
                outcome.admitted.append(Imported(index: event.index, eventID: event.eventID, envelope: envelope, hash: mapped.hash))
            } catch let problem as EPCISMappingProblem {
                outcome.problems.append(problem)
            } catch {
                outcome.problems.append(EPCISMappingProblem(index: event.index, eventID: event.eventID, field: "(event)", reason: "\(error)"))
            }
        }
        outcome.state.clearTouched()
        return outcome
    }
}
