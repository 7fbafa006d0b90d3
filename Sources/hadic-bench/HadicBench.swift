import ArgumentParser

/// The benchmarks that measure HADIC in-process (docs/PERFORMANCE.md): query and assessment
/// latency (the default) in-process and through a node, Merkle proof latency, receipt latency through a node, and the rate of
/// HADIC's own Ed25519 signature checks.
@main
struct HadicBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hadic-bench",
        abstract: "Measure HADIC in-process on a ledger (docs/PERFORMANCE.md).",
        subcommands: [QueryLatency.self, NodeQueryLatency.self, ProofLatency.self, IngestLatency.self, VerifyRate.self, WaitTreeSize.self],
        defaultSubcommand: QueryLatency.self
    )
}
