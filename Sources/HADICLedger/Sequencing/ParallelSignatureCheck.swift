import Dispatch
import HADICCore
import HADICCrypto

/// Verifies many event signatures on every core.
///
/// Each event is checked against the key its `key` field names, as found by `lookup` (the
/// state before the batch). An event whose key is not found yet (registered earlier in the same
/// batch) gets `nil` and is verified in order by the admission rules.
public enum ParallelSignatureCheck {
    /// A signature checked ahead of admission, against the key the state held before the batch.
    public struct Precheck: Sendable {
        public let key: PublicKey?
        public let valid: Bool?

        public init(key: PublicKey?, valid: Bool?) {
            self.key = key
            self.valid = valid
        }

        /// The precomputed result, if the actor's key is still the one it was checked against.
        public func result(for current: PublicKey?) -> Bool? { current == key ? valid : nil }
    }

    /// Checks each event against the key its actor would hold when its turn comes: the active
    /// key in `keys`, or one that an earlier event of the same list registers or rotates in
    /// (a replica catching up from genesis meets every party's registration in its first
    /// blocks). The guess is only a shortcut: admission uses a precheck only if the state then
    /// holds that same key, and verifies again otherwise.
    public static func verify(_ events: [EventEnvelope], keys: [String: KeyRecord]) -> [Precheck] {
        verify(events, keysBefore: keys).prechecks
    }

    /// As ``verify(_:keys:)``, also returning the keys as they will be after these events (to
    /// prepare the events that follow them before these are admitted).
    public static func verify(_ events: [EventEnvelope], keysBefore keys: [String: KeyRecord]) -> (prechecks: [Precheck], keysAfter: [String: KeyRecord]) {
        var keys = keys
        var expected: [PublicKey?] = []
        expected.reserveCapacity(events.count)
        for e in events {
            if let k = keys[e.keyID], k.party == e.actor, k.retiredBy == nil { expected.append(k.publicKey) } else { expected.append(nil) }
            applyKeyChanges(of: e, to: &keys)
        }
        let keyed = zip(events, expected).map { (event: $0, key: $1) }
        let prechecks = parallelMap(keyed) { item in
            Precheck(key: item.key, valid: item.key.map { $0.isValidSignature(item.event.signature, for: item.event.signingInput) })
        }
        return (prechecks, keys)
    }

    /// The keys an event registers, rotates in or retires, as admission will apply them if the
    /// event is admitted.
    static func applyKeyChanges(of e: EventEnvelope, to keys: inout [String: KeyRecord]) {
        switch e.body {
        case .partyRegister(let b):
            keys[b.publicKey.keyID] = KeyRecord(party: b.party, publicKey: b.publicKey, addedBy: e.id, retiredBy: nil)
        case .partyRotateKey(let b):
            keys[b.publicKey.keyID] = KeyRecord(party: b.party, publicKey: b.publicKey, addedBy: e.id, retiredBy: nil)
            for k in b.retire { keys[k]?.retiredBy = e.id }
        default:
            break
        }
    }

    public static func verify(_ events: [EventEnvelope], lookup: (EventEnvelope) -> PublicKey?) -> [Precheck] {
        let keyed = events.map { (event: $0, key: lookup($0)) }
        return parallelMap(keyed) { item in
            Precheck(key: item.key, valid: item.key.map { $0.isValidSignature(item.event.signature, for: item.event.signingInput) })
        }
    }
}

/// A batch of parsed events with their signatures checked, on all cores, against a snapshot of
/// the ledger's keys. It can be prepared while the previous batch is being sealed: an event whose
/// key changed since the snapshot is simply verified again during admission.
public struct PreparedBatch: Sendable {
    public let inputs: [Result<EventEnvelope, AdmissionError>]
    public let prechecks: [ParallelSignatureCheck.Precheck]

    /// The keys as they will be once this batch is admitted, if every event in it is: what the
    /// batch after it should be checked against when it is prepared before this one is sealed.
    public let keysAfter: [String: KeyRecord]
    /// The events that register, rotate in or retire keys, except those whose signature was
    /// found invalid (admission will refuse them).
    private let keyChanges: [EventEnvelope]

    public init(_ inputs: [Result<EventEnvelope, AdmissionError>], keys: [String: KeyRecord]) {
        self.inputs = inputs
        let envelopes = inputs.compactMap { try? $0.get() }
        (prechecks, keysAfter) = ParallelSignatureCheck.verify(envelopes, keysBefore: keys)
        keyChanges = Self.keyChanges(envelopes, prechecks)
    }

    /// `base` with this batch's key changes applied: the guess for the batch after it, made
    /// again from the ledger's true keys when a batch is sealed (so that an event admission
    /// refused does not mislead later guesses).
    public func keys(after base: [String: KeyRecord]) -> [String: KeyRecord] {
        var keys = base
        for e in keyChanges { ParallelSignatureCheck.applyKeyChanges(of: e, to: &keys) }
        return keys
    }

    private static func keyChanges(_ envelopes: [EventEnvelope], _ prechecks: [ParallelSignatureCheck.Precheck]) -> [EventEnvelope] {
        zip(envelopes, prechecks).compactMap { e, check in
            switch e.body {
            case .partyRegister, .partyRotateKey: return check.valid == false ? nil : e
            default: return nil
            }
        }
    }

    /// Parses `leaves` and checks each signature in the same task, on every core: one pass
    /// over the cores instead of two when every signer's key is active in `keys` (a node's
    /// ingest, nearly always). Events whose key an earlier event of the batch registers or
    /// rotates in are checked in a second pass.
    public init(parsing leaves: [[UInt8]], keys: [String: KeyRecord]) {
        let checked: [(Result<EventEnvelope, AdmissionError>, ParallelSignatureCheck.Precheck?)] = parallelMap(leaves) { leaf in
            let parsed = Result { () throws(AdmissionError) -> EventEnvelope in try EventEnvelope.parse(leaf) }
            guard case .success(let e) = parsed else { return (parsed, nil) }
            guard let k = keys[e.keyID], k.party == e.actor, k.retiredBy == nil else {
                return (parsed, ParallelSignatureCheck.Precheck(key: nil, valid: nil))
            }
            return (parsed, ParallelSignatureCheck.Precheck(key: k.publicKey, valid: k.publicKey.isValidSignature(e.signature, for: e.signingInput)))
        }
        var inputs: [Result<EventEnvelope, AdmissionError>] = []
        var prechecks: [ParallelSignatureCheck.Precheck] = []
        inputs.reserveCapacity(checked.count)
        prechecks.reserveCapacity(checked.count)
        for (input, precheck) in consume checked {
            inputs.append(input)
            if let precheck { prechecks.append(precheck) }
        }
        self.inputs = inputs
        var after = keys
        // The keys as each event meets them; events whose key only this batch brings are
        // checked afterwards (a replica's or a fresh ledger's first blocks register parties
        // and use their keys at once).
        var late: [(position: Int, event: EventEnvelope, key: PublicKey)] = []
        var position = 0
        for case .success(let e) in inputs {
            defer { position += 1 }
            if prechecks[position].key == nil, let k = after[e.keyID], k.party == e.actor, k.retiredBy == nil {
                late.append((position, e, k.publicKey))
            }
            // An event found forged changes no key, not even in a guess.
            if prechecks[position].valid != false { ParallelSignatureCheck.applyKeyChanges(of: e, to: &after) }
        }
        keysAfter = after
        let lateResults = parallelMap(late.map { ($0.event, $0.key) }) { item in
            ParallelSignatureCheck.Precheck(key: item.1, valid: item.1.isValidSignature(item.0.signature, for: item.0.signingInput))
        }
        for (item, result) in zip(late, lateResults) { prechecks[item.position] = result }
        self.prechecks = prechecks
        // Only the few events that change keys are kept aside (not a second array of all of them).
        var changes: [EventEnvelope] = []
        position = 0
        for case .success(let e) in inputs {
            defer { position += 1 }
            switch e.body {
            case .partyRegister, .partyRotateKey: if prechecks[position].valid != false { changes.append(e) }
            default: break
            }
        }
        keyChanges = changes
    }
}
