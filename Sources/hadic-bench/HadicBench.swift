import ArgumentParser

/// The benchmarks that measure HADIC in-process (docs/PERFORMANCE.md): query and assessment
/// latency (the default), and Merkle proof latency.
@main
struct HadicBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hadic-bench",
        abstract: "Measure HADIC in-process on a ledger (docs/PERFORMANCE.md).",
        subcommands: [QueryLatency.self, ProofLatency.self, IngestLatency.self],
        defaultSubcommand: QueryLatency.self
    )
}
