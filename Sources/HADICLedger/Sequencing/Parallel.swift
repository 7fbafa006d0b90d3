import Dispatch

/// Maps on every core (``CoreWorkers``), keeping order; for CPU-bound per-item work (parsing,
/// signing, verifying).
public func parallelMap<T: Sendable, R: Sendable>(_ items: [T], _ transform: @Sendable (T) -> R) -> [R] {
    guard items.count > 32 else { return items.map(transform) }
    let slots = SlotBuffer<R>(count: items.count)
    // Small chunks: the last one to finish leaves the other cores idle for at most its length.
    let chunk = 16
    CoreWorkers.shared.run(iterations: (items.count + chunk - 1) / chunk) { c in
        for i in (c * chunk)..<min(items.count, (c + 1) * chunk) { slots.set(i, transform(items[i])) }
    }
    return slots.takeValues()
}

/// One preallocated slot per item: workers write disjoint slots, and the values are read once
/// every worker has finished (`CoreWorkers.run` returns only then).
private final class SlotBuffer<R>: @unchecked Sendable {
    private let storage: UnsafeMutableBufferPointer<R?>

    init(count: Int) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: nil)
    }

    deinit {
        storage.deinitialize()
        storage.deallocate()
    }

    func set(_ i: Int, _ value: R) { storage[i] = value }

    /// Moves the values out, leaving the slots empty: a copy would retain every value's
    /// references only to release them again when the buffer goes (parsed events hold dozens).
    func takeValues() -> [R] {
        var values: [R] = []
        values.reserveCapacity(storage.count)
        for i in storage.indices {
            guard let value = storage[i].take() else { preconditionFailure("parallelMap: a worker left its slot empty") }
            values.append(value)
        }
        return values
    }
}
