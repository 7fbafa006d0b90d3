import Dispatch
import Foundation
import HADICCore
import HADICLedger
import HADICStore

/// A node's query answering: it keeps the prepared query state (``KeptQueryState``) for as long
/// as it runs and moves it forward as the ledger grows, so that `trace` and `assess` through a
/// node are answered from memory.
///
/// Guarantees:
/// - every answer is the one a fresh ``QueryRunner`` gives at the store's size when the query
///   is answered: the kept state is used only once it has been moved forward to exactly that
///   size (``LedgerEvidence/advance(to:)``), else the query is answered the cold way;
/// - the state is loaded and prepared on a background queue at ``start()``; until it is ready,
///   queries are answered the cold way;
/// - queries and advances take one lock, so the kept state (classes with memo tables) is used
///   by one query at a time; nothing here runs on the caller's event loop unless the caller
///   calls ``answer(_:now:)`` there (a node calls it on its read queue);
/// - if loading or advancing fails, the state is dropped (queries go cold) and ``report``
///   says why.
public final class QueryEngine: @unchecked Sendable {
    public struct Settings: Sendable {
        /// Keep and prepare the query state (false: every query is answered the cold way).
        public var enabled = true
        /// How many lots (and lines, rows, events) the provenance cache holds; a ledger with
        /// more lots is only partly loaded at start and the rest read as queries meet them.
        public var cacheLots = 500_000
        /// Markets whose certificate coverage is worked out at start (nil: every market of the
        /// policy in force then).
        public var markets: [String]? = nil
        /// A query that finds the kept state this many events behind the store or fewer moves
        /// it forward first; further behind, it is answered cold while the background catches up.
        public var inlineAdvanceLimit: UInt64 = 20_000
        /// How long after a stored block the background moves the state forward (blocks stored
        /// meanwhile are taken in the same step: a sealing burst costs one advance, not one per block).
        public var advanceDelayMs = 100
        public init() {}
    }

    /// What the engine is doing, for logs and tests.
    public enum Phase: Sendable, Equatable {
        case off, loading, ready(treeSize: UInt64), failed(String)
    }

    public let store: SQLiteLedgerStore
    public let settings: Settings
    private let report: @Sendable (String) -> Void
    private let lock = NSLock()
    /// Guarded by ``lock``.
    private var state: KeptQueryState?
    private var phaseValue: Phase
    /// Guards only ``advanceQueued``: a stored block asks for an advance without waiting for a
    /// query that holds ``lock`` (the sealer calls ``ledgerGrew()`` on its way to the receipts).
    private let queueLock = NSLock()
    private var advanceQueued = false
    /// Whether a trace or assessment was asked (guarded by ``queueLock``): until then stored
    /// blocks do not move the state forward in the background (a node nobody queries, or one
    /// catching up with its peer, spends no CPU on it); the first query moves it.
    private var asked = false
    private var answeredKept = 0, answeredCold = 0
    private let background = DispatchQueue(label: "hadic.query-engine", qos: .utility)

    /// - Parameter report: one line per noteworthy step (loaded, failed), for the node's log.
    public init(store: SQLiteLedgerStore, settings: Settings, report: @escaping @Sendable (String) -> Void = { _ in }) {
        self.store = store
        self.settings = settings
        self.report = report
        phaseValue = settings.enabled ? .loading : .off
    }

    public var phase: Phase { lock.withLock { phaseValue } }

    /// How many queries were answered from the kept state, and how many the cold way.
    public var counts: (kept: Int, cold: Int) { lock.withLock { (answeredKept, answeredCold) } }

    /// Loads and prepares the state on the background queue (no-op when disabled). The state
    /// is built outside the lock, moved forward to the store's size, and only then installed.
    public func start(now: @escaping @Sendable () -> Timestamp = LedgerClock.now) {
        guard settings.enabled else { return }
        background.async { [self] in
            do {
                let began = DispatchTime.now().uptimeNanoseconds
                let built = try KeptQueryState(store: store, cacheCapacity: settings.cacheLots)
                let (loaded, prepared) = try built.preload(markets: settings.markets, at: now())
                // Catch up with what was stored meanwhile, outside the lock, then once more inside it.
                try built.advance()
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9
                try lock.withLock {
                    try built.advance()
                    state = built
                    phaseValue = .ready(treeSize: built.treeSize)
                }
                report("query state ready: \(loaded.lots) lots (\(loaded.complete ? "all" : "capacity reached, the rest read on demand")), "
                       + "\(prepared.uses) uses' custody paths, \(prepared.steps) steps' coverage, tree size \(built.treeSize), "
                       + String(format: "%.1f s", seconds))
            } catch {
                fail("loading the query state failed: \(error)")
            }
        }
    }

    /// Call after a block is stored: moves the kept state forward on the background queue,
    /// a little later, so that the blocks of a burst are taken in one step (once the node has
    /// been asked a trace or assessment: before, the first such query moves it).
    public func ledgerGrew() {
        guard queueLock.withLock({ asked }) else { return }
        scheduleCatchUp()
    }

    /// Answers a query: `trace` and `assess` (without a local policy) from the kept state once
    /// it is at the store's size, everything else (and everything while the state is loading,
    /// off, or too far behind) the cold way, with the same code (``QueryRunner``).
    public func answer(_ query: LedgerQuery, now: Timestamp) throws -> QueryAnswer {
        switch query {
        case .traceBack, .traceForward, .assess:
            queueLock.withLock { asked = true }
        default:
            return try QueryRunner(store: store).answer(query, now: now)
        }
        lock.lock()
        guard let state else {
            answeredCold += 1
            lock.unlock()
            return try QueryRunner(store: store).answer(query, now: now)
        }
        defer { lock.unlock() }
        let size = try KeptQueryState.headSize(of: store)
        if size != state.treeSize {
            guard size > state.treeSize, size - state.treeSize <= settings.inlineAdvanceLimit else {
                answeredCold += 1
                scheduleCatchUp()
                return try QueryRunner(store: store).answer(query, now: now)
            }
            do {
                try state.advance(to: size)
                phaseValue = .ready(treeSize: size)
            } catch {
                dropState(because: "moving the query state forward failed: \(error)")
                answeredCold += 1
                return try QueryRunner(store: store).answer(query, now: now)
            }
        }
        answeredKept += 1
        return try QueryRunner(store: store, kept: state).answer(query, now: now)
    }

    /// Waits until the background queue has done what was queued so far (tests, benchmarks).
    public func settle() { background.sync {} }

    /// Queues one advance to whatever the store holds by then (one at a time: a block stored
    /// while it waits is taken with it; one stored while it runs queues the next).
    private func scheduleCatchUp() {
        let queue = queueLock.withLock { () -> Bool in
            guard !advanceQueued else { return false }
            advanceQueued = true
            return true
        }
        guard queue else { return }
        background.asyncAfter(deadline: .now() + .milliseconds(settings.advanceDelayMs)) { [self] in
            queueLock.withLock { advanceQueued = false }
            lock.withLock {
                guard let state else { return }
                do {
                    try state.advance()
                    phaseValue = .ready(treeSize: state.treeSize)
                } catch {
                    dropState(because: "moving the query state forward failed: \(error)")
                }
            }
        }
    }

    /// Called with the lock held: queries go cold from now on.
    private func dropState(because why: String) {
        state = nil
        phaseValue = .failed(why)
        report(why + "; queries are answered from SQLite from now on")
    }

    private func fail(_ why: String) {
        lock.withLock { dropState(because: why) }
    }
}
