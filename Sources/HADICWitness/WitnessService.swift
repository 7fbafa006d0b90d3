import HADICCrypto
import HADICLedger

/// One witness answering tlog-witness `add-checkpoint` requests: its rules, its key and its
/// state directory. `hadic witness add-checkpoint` (one request per run) and
/// `hadic witness serve` (HTTP) both answer through it, so the checks and the state are one code.
///
/// Guarantees: the origin and the log's signature are checked before the lock (a stranger's
/// request never waits on it); the remaining rules, storing the new state durably and cosigning
/// run under the state directory's exclusive lock, so two processes, or two requests, on one
/// directory never cosign two inconsistent checkpoints; a refusal that shows a fork keeps the
/// request in the directory's `evidence/` before it is reported.
public struct WitnessService: Sendable {
    public let directory: WitnessStateDirectory
    public let rules: WitnessRules
    public let cosigner: Cosigner

    public init(directory: WitnessStateDirectory, rules: WitnessRules, cosigner: Cosigner) {
        self.directory = directory
        self.rules = rules
        self.cosigner = cosigner
    }

    /// The cosignature line for the request `body`. Throws a ``WitnessRefusal`` when a rule
    /// refuses it (after `fork` was told, for fork evidence), a ``WitnessFileError`` when the
    /// state cannot be read or written.
    public func addCheckpoint(_ body: [UInt8], now: UInt64, fork: (String) -> Void) throws -> NoteSignature {
        let parsed = try AddCheckpointRequest(parsing: body)
        let origin = try rules.signedCheckpoint(parsed.checkpoint).checkpoint.origin
        return try directory.withLock { () throws -> NoteSignature in
            do {
                let admitted = try rules.admit(parsed, held: directory.held(origin: origin, rules: rules))
                try directory.store(note: parsed.checkpoint, origin: origin)
                return try cosigner.cosign(checkpointText: admitted.text, timestamp: now)
            } catch let refusal as WitnessRefusal where refusal.isForkEvidence {
                let kept = try directory.keepEvidence(body, origin: origin, now: now)
                fork("FORK: \(origin) showed this witness a signed checkpoint inconsistent with the one it cosigned; both kept (\(directory.statePath(origin: origin)), \(kept))")
                throw refusal
            }
        }
    }
}
