import ArgumentParser
import Foundation
import HADICCrypto

/// `hadic-bench verify-rate`: how many Ed25519 signatures per second HADIC's own check
/// (`PublicKey.isValidSignature`, libsodium) gets through, on one core and on every core. The
/// benchmarks print it beside `openssl speed ed25519`, so that a rate can be read against both
/// the reference the issues name (OpenSSL) and the verifier HADIC actually runs.
struct VerifyRate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-rate",
        abstract: "Measure HADIC's Ed25519 signature checks per second (1 thread, then one per core)."
    )

    @Option(help: "Seconds per measurement.")
    var seconds: Double = 3

    @Option(help: "Message bytes (an event's signing input is typically 250 to 400).")
    var bytes = 300

    func run() throws {
        guard seconds > 0, bytes >= 0 else { throw ValidationError("--seconds must be positive and --bytes not negative") }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let one = try rate(threads: 1)
        let all = try rate(threads: cores)
        print(String(format: "hadic ed25519 verify/s: 1 core %.1f, %d cores %.1f", one, cores, all))
    }

    /// Signature checks per second summed over `threads` threads, each on its own key.
    private func rate(threads: Int) throws -> Double {
        let message = (0..<bytes).map { UInt8(truncatingIfNeeded: $0) }
        let signed = try (0..<threads).map { _ in
            let key = try PrivateKey.generate(.ed25519)
            return (key.publicKey, try key.sign(message))
        }
        let counts = Counts(threads)
        let deadline = Date().addingTimeInterval(seconds)
        let started = Date()
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            let (key, signature) = signed[t]
            var n = 0
            while n % 64 != 0 || Date() < deadline {
                if key.isValidSignature(signature, for: message) { n += 1 } else { break }
            }
            counts.set(t, n)
        }
        let elapsed = Date().timeIntervalSince(started)
        guard counts.values.allSatisfy({ $0 > 0 && $0 % 64 == 0 }) else { throw ValidationError("a valid signature failed to verify") }
        return Double(counts.values.reduce(0, +)) / elapsed
    }
}

/// Each thread's count, written once per thread.
private final class Counts: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Int]
    init(_ n: Int) { stored = Array(repeating: 0, count: n) }
    func set(_ i: Int, _ value: Int) { lock.withLock { stored[i] = value } }
    var values: [Int] { lock.withLock { stored } }
}
