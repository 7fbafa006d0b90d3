import Foundation

/// A bounded queue from one producing thread to one consuming thread.
///
/// `put` waits while `capacity` items wait; `take` waits for an item. `finish` ends the stream
/// after what was put; `cancel` ends it at once, dropping what waits, and wakes both sides.
final class Handoff<Item>: @unchecked Sendable {
    let capacity: Int
    private let condition = NSCondition()
    private var items: [Item] = []
    private var finished = false
    private var cancelled = false

    init(capacity: Int) {
        precondition(capacity > 0, "a handoff holds at least one item")
        self.capacity = capacity
    }

    /// Queues `item`, waiting for room; false (the item dropped) once the handoff is cancelled.
    @discardableResult
    func put(_ item: Item) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !cancelled && items.count >= capacity { condition.wait() }
        guard !cancelled else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// The next item, waiting for one; nil once the stream is finished and drained, or cancelled.
    func take() -> Item? {
        condition.lock()
        defer { condition.unlock() }
        while !cancelled && !finished && items.isEmpty { condition.wait() }
        guard !cancelled, !items.isEmpty else { return nil }
        condition.broadcast()
        return items.removeFirst()
    }

    /// No more items will be put; `take` returns what waits, then nil.
    func finish() {
        condition.withLock {
            finished = true
            condition.broadcast()
        }
    }

    /// Ends the stream now: `put` and `take` return at once from then on.
    func cancel() {
        condition.withLock {
            cancelled = true
            items.removeAll()
            condition.broadcast()
        }
    }

    var isCancelled: Bool { condition.withLock { cancelled } }
}
