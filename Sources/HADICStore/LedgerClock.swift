import Foundation
import HADICCore

/// The clock of the ledger's writers (`hadic append`, hadicd).
public enum LedgerClock {
    /// Now, to the second, as RFC 3339 UTC. `HADIC_NOW` (unix seconds) overrides it, so that
    /// fixtures and tests can build reproducible ledgers.
    public static func now() -> Timestamp {
        if let fixed = ProcessInfo.processInfo.environment["HADIC_NOW"], let seconds = Int64(fixed),
           (0...Timestamp.maxUnixSeconds).contains(seconds) {
            return Timestamp(unixSeconds: seconds)
        }
        return Timestamp(unixSeconds: Int64(Date().timeIntervalSince1970))
    }
}
