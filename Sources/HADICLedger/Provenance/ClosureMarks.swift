/// Which lots (by ``ProvenanceCache/LotEntry/number``) the closure being built has taken, and
/// in which slot: two arrays indexed by number, so that asking is an array read rather than
/// hashing a lot id.
///
/// Guarantees: after ``begin(count:)``, ``slot(of:)`` answers nil for every number until
/// ``mark(_:slot:)`` records it, whatever earlier closures marked (each closure has its own
/// generation; the arrays are cleared only when the generation counter wraps).
struct ClosureMarks {
    private var generation: UInt32 = 0
    /// The generation that last marked each number (0: never).
    private var markedIn: [UInt32] = []
    private var slots: [Int32] = []

    /// Starts a new closure; `count` is how many numbers exist so far (more may come).
    mutating func begin(count: Int) {
        if generation == .max {
            generation = 0
            for i in markedIn.indices { markedIn[i] = 0 }
        }
        generation += 1
        grow(to: count)
    }

    func slot(of n: Int) -> Int? {
        n < markedIn.count && markedIn[n] == generation ? Int(slots[n]) : nil
    }

    mutating func mark(_ n: Int, slot: Int) {
        grow(to: n + 1)
        markedIn[n] = generation
        slots[n] = Int32(truncatingIfNeeded: slot)
    }

    private mutating func grow(to count: Int) {
        guard count > markedIn.count else { return }
        // Doubling: numbers are given as lots are first met, a few at a time.
        let target = max(count, markedIn.count * 2)
        markedIn += Array(repeating: 0, count: target - markedIn.count)
        slots += Array(repeating: 0, count: target - slots.count)
    }
}
