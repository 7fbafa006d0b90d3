import Foundation
import HADICCore

enum Clock {
    /// Now, to the second, as RFC 3339 UTC. `HADIC_NOW` (unix seconds) overrides it, so that
    /// fixtures and tests can build reproducible ledgers.
    static func now() -> Timestamp {
        if let fixed = ProcessInfo.processInfo.environment["HADIC_NOW"], let seconds = Int64(fixed),
           (0...Timestamp.maxUnixSeconds).contains(seconds) {
            return Timestamp(unixSeconds: seconds)
        }
        return Timestamp(unixSeconds: Int64(Date().timeIntervalSince1970))
    }
}
