import Dispatch

/// A value computed on another thread; `value` waits for it.
public final class Background<T: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: T?

    public init(_ work: @escaping @Sendable () -> T) {
        DispatchQueue.global().async {
            self.result = work()
            self.done.signal()
        }
    }

    public var value: T? {
        done.wait()
        done.signal()
        return result
    }
}
