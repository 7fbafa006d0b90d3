import HADICCrypto

/// A verifier's witness policy: K of these witnesses must have cosigned a checkpoint.
///
/// Guarantees: `check` succeeds only if at least `quorum` distinct keys of `witnesses` each have
/// a valid `cosignature/v1` line over the note's text; lines from other keys are ignored (as the
/// signed-note spec asks), and one witness counts once however many lines it has.
public struct CosignatureQuorum: Sendable {
    public let witnesses: [CosignerKey]
    public let quorum: Int

    /// Throws when the quorum is not between 1 and the number of distinct witnesses.
    public init(witnesses: [CosignerKey], quorum: Int) throws(CosignatureError) {
        var distinct: [CosignerKey] = []
        for w in witnesses where !distinct.contains(w) { distinct.append(w) }
        guard quorum >= 1, quorum <= distinct.count else {
            throw .malformed("a quorum of \(quorum) from \(distinct.count) distinct witness keys cannot be met")
        }
        self.witnesses = distinct
        self.quorum = quorum
    }

    /// One witness's valid cosignature: who, and the time it states.
    public struct Cosigned: Equatable, Sendable {
        public let witness: CosignerKey
        public let timestamp: UInt64
    }

    /// The witnesses (in the order given) with a valid cosignature on `note`, once the quorum is met.
    public func check(note serialized: String) throws(CosignatureError) -> [Cosigned] {
        let note: SignedNote
        do { note = try SignedNote(parsing: serialized) } catch {
            throw .malformed("the checkpoint is not a signed note: \(error)")
        }
        var cosigned: [Cosigned] = []
        for witness in witnesses {
            for line in note.signatures where witness.matches(line) {
                if let time = witness.verifiedTimestamp(of: line, checkpointText: note.text) {
                    cosigned.append(Cosigned(witness: witness, timestamp: time))
                    break
                }
            }
        }
        guard cosigned.count >= quorum else {
            let named = cosigned.isEmpty ? "none" : cosigned.map(\.witness.name).joined(separator: ", ")
            throw .quorumNotMet("\(cosigned.count) of the \(witnesses.count) trusted witnesses cosigned the checkpoint (\(named)), \(quorum) required")
        }
        return cosigned
    }
}
