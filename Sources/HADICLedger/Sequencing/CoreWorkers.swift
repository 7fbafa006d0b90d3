import CHADICThreads
import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One worker thread pinned to each CPU the process may run on, for ``parallelMap(_:_:)``.
///
/// Why not `DispatchQueue.concurrentPerform`: a node checks signatures on every core while its
/// sealer thread writes and fsyncs the previous block. With unpinned workers Linux often queued
/// both checking threads on one CPU while the sealer's CPU sat idle in its fsync (measured:
/// 11-14% of both cores idle during ingest, in gaps of 5-12 ms, because a CPU that was idle
/// only briefly does not pull work from its neighbour). A worker pinned to each CPU keeps every
/// CPU busy whenever there is checking to do; the sealer, unpinned, shares whichever is free.
///
/// One job runs on the workers at a time. A caller that finds them busy with another thread's
/// job shares the cores through libdispatch instead, as before the pool; a job started from
/// inside a job runs on its caller, the worker. Neither waits, so neither can deadlock.
///
/// A transform must not start threads: a thread made by a worker would inherit its one-CPU
/// pin and its nice value.
final class CoreWorkers: @unchecked Sendable {
    static let shared = CoreWorkers()

    /// How many workers there are: one per CPU this process may run on (none on one CPU, where
    /// the caller works alone).
    var count: Int { start.count }

    /// Workers yield to the process's other threads: those (a node's sealer, an audit's replay)
    /// are the one sequential stage the workers' results feed, and sharing a CPU evenly with a
    /// worker would halve their speed and so everyone's.
    static let workerNice: Int32 = 5

    private let busy = Mutex(false)
    private let next = Atomic<Int>(0)
    private var iterations = 0
    private var job: (@Sendable (Int) -> Void)?
    /// Each worker's go signal, and each worker's thread; written only while the pool is made.
    private var start: [DispatchSemaphore] = []
    private var threads: [pthread_t] = []
    private let finished = DispatchSemaphore(value: 0)

    private init() {
        let cpus = max(1, Int(hadic_allowed_cpu_count()))
        if cpus > 1 {
            for index in 0..<cpus {
                let go = DispatchSemaphore(value: 0)
                if let thread = spawnWorker(index, go) {
                    start.append(go)
                    threads.append(thread)
                }
            }
        }
    }

    /// Runs `body` for every index in `0..<iterations`, on all workers, and returns when all
    /// have run. Each index runs exactly once; order across workers is unspecified.
    func run(iterations: Int, _ body: @Sendable (Int) -> Void) {
        guard count > 1, iterations > 1, !isWorkerThread else {
            for i in 0..<iterations { body(i) }
            return
        }
        guard busy.withLock({ wasBusy in
            defer { wasBusy = true }
            return !wasBusy
        }) else {
            DispatchQueue.concurrentPerform(iterations: iterations, execute: body)
            return
        }
        withoutActuallyEscaping(body) { body in
            self.job = body
            self.iterations = iterations
            next.store(0, ordering: .relaxed)
            // The semaphores order these writes before the workers' reads, and the workers'
            // writes (the results) before `run` returns.
            for s in start { s.signal() }
            for _ in start { finished.wait() }
            self.job = nil
        }
        busy.withLock { $0 = false }
    }

    private func work(_ index: Int, _ go: DispatchSemaphore) {
        _ = hadic_pin_current_thread(Int32(index))
        _ = hadic_set_current_thread_nice(Self.workerNice)
        while true {
            go.wait()
            if let job {
                while true {
                    let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard i < iterations else { break }
                    job(i)
                }
            }
            finished.signal()
        }
    }

    /// Whether the calling thread is one of the workers (a job started from inside a job).
    private var isWorkerThread: Bool {
        let me = pthread_self()
        return threads.contains { pthread_equal($0, me) != 0 }
    }

    /// Starts worker `index`, which waits on `go` for each job; nil if no thread could be made.
    private func spawnWorker(_ index: Int, _ go: DispatchSemaphore) -> pthread_t? {
        let context = Unmanaged.passRetained(WorkerContext(pool: self, index: index, go: go)).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            let context = Unmanaged<WorkerContext>.fromOpaque(raw).takeRetainedValue()
            context.pool.work(context.index, context.go)
            return nil
        }, context)
        guard created == 0 else {
            Unmanaged<WorkerContext>.fromOpaque(context).release()
            return nil
        }
        pthread_detach(thread)
        return thread
    }

    private final class WorkerContext {
        let pool: CoreWorkers
        let index: Int
        let go: DispatchSemaphore
        init(pool: CoreWorkers, index: Int, go: DispatchSemaphore) {
            self.pool = pool
            self.index = index
            self.go = go
        }
    }
}
