import HADICLedger

/// What `hadic audit` found for one source (a data directory or a node), and for several
/// nodes how their histories compare: the content of the report, before rendering.
struct AuditOutcome {
    /// `data DIR` or `node HOST:PORT`.
    let source: String
    let ledgerID: String
    let origin: String
    let sequencerKeyID: String
    let report: VerificationReport
    let seconds: Double
}

/// Two nodes' signed checkpoints that no single history explains (or that were proved
/// consistent): the evidence `hadic audit --node A --node B` reports.
struct CheckpointComparison {
    let a: String
    let b: String
    let noteA: String
    let noteB: String
    let consistent: Bool
    /// Hashes of the consistency proof from the smaller tree to the larger (empty when equal).
    let proof: [[UInt8]]
    let reason: String
}
