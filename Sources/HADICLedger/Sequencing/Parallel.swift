import Dispatch

/// Maps on every core, keeping order; for CPU-bound per-item work (parsing, signing, verifying).
public func parallelMap<T: Sendable, R: Sendable>(_ items: [T], _ transform: @Sendable (T) -> R) -> [R] {
    guard items.count > 64 else { return items.map(transform) }
    let box = SlotBuffer<R>(count: items.count)
    let chunk = 64
    DispatchQueue.concurrentPerform(iterations: (items.count + chunk - 1) / chunk) { c in
        for i in (c * chunk)..<min(items.count, (c + 1) * chunk) { box.set(i, transform(items[i])) }
    }
    return box.values
}

/// Disjoint per-index writes from concurrent workers, read once they have all finished.
private final class SlotBuffer<R>: @unchecked Sendable {
    private var slots: [R?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ v: R) { slots.withUnsafeMutableBufferPointer { $0[i] = v } }
    var values: [R] { slots.compactMap { $0 } }
}
