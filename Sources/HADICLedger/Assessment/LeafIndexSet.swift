/// A set of leaf indexes kept as one bit per index, up to the largest inserted.
///
/// Asking is one array read: a node asks about every event of every closure (R-SIG's signer
/// checks), and a hashed set of a million indexes misses the processor's cache on nearly every
/// question, where a million bits (125 KB) mostly stay in it. Guarantees: ``contains(_:)`` is
/// true exactly for the indexes inserted; an index beyond ``limit`` is not kept (it is a memo:
/// forgetting one only means checking again).
struct LeafIndexSet {
    /// Larger indexes are not kept (a bit per index up to 2^36 is 8 GiB).
    static let limit: UInt64 = 1 << 36
    private var words: [UInt64] = []

    func contains(_ index: UInt64) -> Bool {
        let word = Int(truncatingIfNeeded: index >> 6)
        guard index < Self.limit, word < words.count else { return false }
        return words[word] & (1 << (index & 63)) != 0
    }

    mutating func insert(_ index: UInt64) {
        guard index < Self.limit else { return }
        let word = Int(index >> 6)
        if word >= words.count { words += Array(repeating: 0, count: max(word + 1, 2 * words.count) - words.count) }
        words[word] |= 1 << (index & 63)
    }
}
