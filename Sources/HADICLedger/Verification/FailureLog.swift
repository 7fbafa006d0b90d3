/// The failures an audit has found so far, up to its limit.
///
/// Checks whose failure leaves the rest checkable record and go on; when the limit is reached,
/// recording throws ``FailureLog/LimitReached`` so the audit stops where it is. With a limit
/// of 1 the first failure stops it, as `hadic verify` always has.
struct FailureLog {
    struct LimitReached: Error {}

    let limit: Int
    private(set) var failures: [VerificationFailure] = []
    private(set) var truncated = false

    init(limit: Int) { self.limit = limit }

    mutating func record(_ f: VerificationFailure) throws(LimitReached) {
        failures.append(f)
        if failures.count >= limit {
            truncated = true
            throw LimitReached()
        }
    }

    /// Records a failure that stops the audit whatever the limit.
    mutating func recordFinal(_ f: VerificationFailure) {
        failures.append(f)
    }

    var isEmpty: Bool { failures.isEmpty }
}
