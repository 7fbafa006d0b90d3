import HADICCrypto

/// What a witness checks before it cosigns (c2sp.org/tlog-witness `add-checkpoint`), as a pure
/// function of the request and the checkpoint it last cosigned for the log.
///
/// Guarantees: `admit` returns a checkpoint only if it is signed by the configured key of its
/// origin, the request's old size is the held size, and either nothing is held, or it is the
/// held tree (same size and root), or an RFC 9162 consistency proof shows the held tree is a
/// prefix of it. So a witness that stores what `admit` returns before cosigning never cosigns
/// two inconsistent checkpoints of one log, nor a smaller one after a larger.
public struct WitnessRules: Sendable {
    /// The logs this witness follows: key name = origin, the sequencer's Ed25519 key.
    public let logs: [NoteVerifier]

    public init(logs: [NoteVerifier]) {
        self.logs = logs
    }

    /// The origin and signature checks alone: the checkpoint of `note`, if it is signed by
    /// its log's configured key.
    public func signedCheckpoint(_ note: String) throws(WitnessRefusal) -> (checkpoint: Checkpoint, text: String) {
        let signed: SignedNote
        do { signed = try SignedNote(parsing: note) } catch {
            throw .malformed("the checkpoint is not a signed note: \(error)")
        }
        let checkpoint: Checkpoint
        do { checkpoint = try Checkpoint(parsing: signed.text) } catch {
            throw .malformed("\(error)")
        }
        let known = logs.filter { Array($0.name.utf8) == Array(checkpoint.origin.utf8) }
        guard !known.isEmpty else {
            throw .unknownOrigin("this witness follows no log with origin \"\(checkpoint.origin)\"")
        }
        guard known.contains(where: { signed.verifiedSignature(by: $0) != nil }) else {
            throw .notSignedByLog("the checkpoint of \(checkpoint.origin) carries no valid signature by the log's configured key")
        }
        return (checkpoint, signed.text)
    }

    /// The checkpoint to store and cosign, or why not. `held` is the last one cosigned for the
    /// request's origin (nil if none).
    public func admit(_ request: AddCheckpointRequest, held: Checkpoint?) throws(WitnessRefusal) -> (checkpoint: Checkpoint, text: String) {
        let (new, text) = try signedCheckpoint(request.checkpoint)
        if let held, held.origin != new.origin {
            throw .malformed("the state given is of \(held.origin), the checkpoint of \(new.origin)")
        }
        guard request.oldSize <= new.size else {
            throw .malformed("old size \(request.oldSize) is larger than the checkpoint's size \(new.size): a witness never goes back")
        }
        let heldSize = held?.size ?? 0
        guard request.oldSize == heldSize else {
            throw .oldSizeMismatch(heldSize: heldSize, claimed: request.oldSize)
        }
        guard let held, held.size > 0 else {
            // Nothing held (or the empty tree): every tree extends it; the spec wants no proof.
            guard request.proof.isEmpty else { throw .malformed("a request from old size 0 carries no proof, this one has \(request.proof.count) lines") }
            return (new, text)
        }
        if new.size == held.size {
            guard new.root == held.root else {
                throw .sameSizeOtherRoot("inconsistent with the checkpoint this witness cosigned: both have size \(new.size), the held root is \(Base64.encode(held.root)), this one \(Base64.encode(new.root))")
            }
            guard request.proof.isEmpty else { throw .malformed("a request for the held size carries no proof, this one has \(request.proof.count) lines") }
            return (new, text)
        }
        do {
            try ConsistencyProof(oldSize: held.size, newSize: new.size, hashes: request.proof).verify(oldRoot: held.root, newRoot: new.root)
        } catch {
            throw .inconsistent("inconsistent with the checkpoint this witness cosigned: no valid consistency proof from size \(held.size) (root \(Base64.encode(held.root))) to size \(new.size) (root \(Base64.encode(new.root))): \(error)")
        }
        return (new, text)
    }
}
