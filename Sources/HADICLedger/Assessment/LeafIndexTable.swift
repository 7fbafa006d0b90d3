/// Values kept by leaf index, in pages of 4,096 indexes allocated as they are first written.
///
/// Reading is two array reads, with no hashing: a node asks about the same custody steps
/// (shipments, receipts, packings) of a million-event ledger in every assessment, and a
/// dictionary of a million keys misses the processor's cache twice per question (its bucket,
/// then its key). Memory grows with the pages written, not with the largest index.
/// Guarantees: ``subscript(_:)`` gives the value last set for an index, nil for one never set;
/// an index of ``limit`` or more is not kept (it is a memo: forgetting only means working out again).
struct LeafIndexTable<Value> {
    /// Larger indexes are not kept (the page directory of 2^36 indexes is 128 MiB).
    static var limit: UInt64 { 1 << 36 }
    private static var pageBits: UInt64 { 12 }
    private var pages: [[Value?]?] = []

    subscript(index: UInt64) -> Value? {
        get {
            let page = Int(truncatingIfNeeded: index >> Self.pageBits)
            guard index < Self.limit, page < pages.count, let values = pages[page] else { return nil }
            return values[Int(truncatingIfNeeded: index & ((1 << Self.pageBits) - 1))]
        }
        set {
            guard index < Self.limit else { return }
            let page = Int(index >> Self.pageBits)
            if page >= pages.count { pages += Array(repeating: nil, count: page + 1 - pages.count) }
            if pages[page] == nil { pages[page] = Array(repeating: nil, count: 1 << Self.pageBits) }
            pages[page]?[Int(index & ((1 << Self.pageBits) - 1))] = newValue
        }
    }
}
