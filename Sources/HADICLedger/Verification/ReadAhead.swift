import Dispatch

/// Values produced in order on a thread of their own, at most `depth` ahead of the consumer.
///
/// The audit's producer reads, parses and checks the signatures of block after block while the
/// verifier replays the admission rules of earlier ones, so the cores are never idle waiting
/// for the replay (nor the replay for one block's read). `next()` returns the values in order,
/// then nil once the producer has finished. `stop()` asks the producer to finish after the
/// value it is making and waits for it: no read-ahead work outlives the audit that wanted it.
final class ReadAhead<T: Sendable>: @unchecked Sendable {
    private let lock = DispatchSemaphore(value: 1)
    /// Counts free places in the buffer: the producer waits on it before making a value.
    private let space: DispatchSemaphore
    /// Counts values (and the end) the consumer may take.
    private let ready = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private var buffer: [T] = []
    private var stopping = false
    private var ended = false

    /// Starts `produce`, which calls its argument with each value in order and returns when
    /// there are no more, or when the argument returns false (the consumer stopped).
    init(depth: Int, _ produce: @escaping @Sendable (_ emit: (T) -> Bool) -> Void) {
        // Made at 0 and signalled up: libdispatch traps when a semaphore is freed holding less
        // than the value it was made with, which `space` may when the audit stops early.
        space = DispatchSemaphore(value: 0)
        for _ in 0..<max(1, depth) { space.signal() }
        DispatchQueue.global().async { [self] in
            produce { value in
                space.wait()
                lock.wait()
                defer { lock.signal() }
                guard !stopping else { return false }
                buffer.append(value)
                ready.signal()
                return true
            }
            lock.wait()
            ended = true
            lock.signal()
            ready.signal()
            finished.signal()
        }
    }

    /// The next value, waiting for it; nil when the producer has ended.
    func next() -> T? {
        ready.wait()
        lock.wait()
        defer { lock.signal() }
        guard !buffer.isEmpty else {
            precondition(ended, "ReadAhead: woken with nothing to take")
            ready.signal()  // Later calls also see the end.
            return nil
        }
        space.signal()
        return buffer.removeFirst()
    }

    /// Stops the producer after the value it is making and waits until it has returned.
    func stop() {
        lock.wait()
        stopping = true
        buffer.removeAll()
        lock.signal()
        space.signal()  // A producer waiting for room wakes, sees `stopping` and ends.
        finished.wait()
        finished.signal()
    }
}
