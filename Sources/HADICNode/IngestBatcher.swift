import Foundation
import HADICCore
import HADICLedger
import HADICPeer
import Logging

/// Gathers the events that clients submit into blocks, on the sequencer.
///
/// A block is sealed when `maxEvents` events wait or the oldest has waited `maxDelay`. Two
/// threads form a pipeline: one parses the next batch and checks its signatures on every core
/// while the other admits the current batch and seals it (one SQLite transaction, one fsync).
/// A submission's receipts are handed back only when every one of its events has its result,
/// and a result only exists once its block is durable: acknowledged means durable.
final class IngestBatcher: @unchecked Sendable {
    /// One client's submit: its events, and what became of each.
    final class Submission {
        let leaves: [[UInt8]]
        var results: [PeerMessage.SubmitResult?]
        var remaining: Int
        let done: @Sendable ([PeerMessage.SubmitResult]) -> Void

        init(leaves: [[UInt8]], done: @escaping @Sendable ([PeerMessage.SubmitResult]) -> Void) {
            self.leaves = leaves
            results = Array(repeating: nil, count: leaves.count)
            remaining = leaves.count
            self.done = done
        }
    }

    private struct Slot {
        let submission: Submission
        let index: Int
        let arrived: Date
        var bytes: Int { submission.leaves[index].count }
    }

    /// A block holds at most this many bytes of events, so that two of them (a replica's head,
    /// which every answer repeats, and the next) fit a `blocks` answer within a 16 MiB frame,
    /// JSON escaping included: every replica can always fetch the next block.
    static let maxBlockBytes = 4 << 20
    /// Events waiting beyond this are refused as `unavailable` (nothing stored): a flood of
    /// submissions cannot grow the node's memory without bound.
    static let maxWaitingEvents = 200_000
    /// Batches parsed and checked, waiting for the sealer.
    static let maxPreparedAhead = 3

    private struct Prepared {
        let slots: [Slot]
        let batch: PreparedBatch
    }

    private let sequencer: Sequencer
    private let maxEvents: Int
    private let maxDelay: TimeInterval
    private let logger: Logger
    private let sealed: (SealedBlock) -> Void
    private let failed: (Error) -> Void

    private let condition = NSCondition()
    private var waiting: [Slot] = []
    private var waitingBytes = 0
    private var prepared: [Prepared] = []
    private var keys: [String: KeyRecord]
    private var draining = false
    private var stopped = false
    private var preparing = false
    private var sealing = false
    private var threads: [Thread] = []

    /// - Parameters:
    ///   - sealed: called on the sealing thread after each durable block, before its receipts go out.
    ///   - failed: called once if sealing fails (the store refused, or the stored tree is corrupt):
    ///     the sequencer stops taking events.
    init(sequencer: Sequencer, maxEvents: Int, maxDelay: TimeInterval, logger: Logger,
         sealed: @escaping (SealedBlock) -> Void, failed: @escaping (Error) -> Void) {
        self.sequencer = sequencer
        self.maxEvents = maxEvents
        self.maxDelay = maxDelay
        self.logger = logger
        self.sealed = sealed
        self.failed = failed
        keys = sequencer.keySnapshot
    }

    func start() {
        let verify = Thread { [self] in prepareLoop() }
        verify.name = "hadicd-verify"
        let seal = Thread { [self] in sealLoop() }
        seal.name = "hadicd-seal"
        threads = [verify, seal]
        verify.start()
        seal.start()
    }

    /// Queues a submission; `done` is called once with one result per event, in order.
    func submit(_ leaves: [[UInt8]], done: @escaping @Sendable ([PeerMessage.SubmitResult]) -> Void) {
        let submission = Submission(leaves: leaves, done: done)
        condition.lock()
        defer { condition.unlock() }
        guard !draining, !stopped else {
            condition.unlock()
            done(leaves.map { _ in .refused(rule: "unavailable", message: "the node is shutting down; nothing was stored, submit again to another node or later") })
            condition.lock()
            return
        }
        guard waiting.count + leaves.count <= Self.maxWaitingEvents else {
            condition.unlock()
            done(leaves.map { _ in .refused(rule: "unavailable", message: "the node has \(Self.maxWaitingEvents) events waiting; nothing was stored, submit again shortly") })
            condition.lock()
            return
        }
        let now = Date()
        for i in leaves.indices {
            waiting.append(Slot(submission: submission, index: i, arrived: now))
            waitingBytes += leaves[i].count
        }
        condition.broadcast()
    }

    /// Takes no new submissions, seals what waits, hands back its receipts, then stops both threads.
    func drain() {
        condition.lock()
        draining = true
        condition.broadcast()
        while !stopped && !(waiting.isEmpty && prepared.isEmpty && !preparing && !sealing) {
            condition.wait(until: Date().addingTimeInterval(0.05))
        }
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    // MARK: The two stages

    private func prepareLoop() {
        while true {
            condition.lock()
            // Wait for a full batch (by count or bytes), or for the oldest event's delay to run
            // out (or a drain).
            while !stopped {
                if waiting.count >= maxEvents || waitingBytes >= Self.maxBlockBytes || (draining && !waiting.isEmpty) { break }
                if let oldest = waiting.first {
                    let due = oldest.arrived.addingTimeInterval(maxDelay)
                    if Date() >= due { break }
                    condition.wait(until: due)
                } else {
                    condition.wait()
                }
            }
            // Keep a few prepared batches ahead of the sealer: enough that it never waits for
            // one when the checks fall behind for a moment, few enough to bound memory.
            while !stopped && prepared.count >= Self.maxPreparedAhead { condition.wait() }
            if stopped { condition.unlock(); return }
            var take = 0, bytes = 0
            while take < min(maxEvents, waiting.count), take == 0 || bytes + waiting[take].bytes <= Self.maxBlockBytes {
                bytes += waiting[take].bytes
                take += 1
            }
            let slots = Array(waiting.prefix(take))
            waiting.removeFirst(take)
            waitingBytes -= bytes
            let keys = self.keys
            preparing = true
            condition.unlock()

            let prepareStarted = DispatchTime.now().uptimeNanoseconds
            let batch = PreparedBatch(parsing: slots.map { $0.submission.leaves[$0.index] }, keys: keys)

            condition.lock()
            if stopped {
                // The sealer stopped while this batch was prepared: it is answered, never sealed.
                preparing = false
                condition.broadcast()
                condition.unlock()
                deliver(slots, slots.map { _ in .refused(rule: "unavailable", message: "the sequencer stopped; nothing was stored") })
                return
            }
            logger.trace("prepared", metadata: ["events": "\(slots.count)", "ms": "\((DispatchTime.now().uptimeNanoseconds - prepareStarted) / 1_000_000)", "ahead": "\(prepared.count)"])
            prepared.append(Prepared(slots: slots, batch: batch))
            // The next batch is checked against the keys this one leaves if all of it is
            // admitted (a guess: admission checks again any event whose key turned out otherwise;
            // the sealer may have remade the guess from the ledger's keys meanwhile).
            self.keys = batch.keys(after: self.keys)
            preparing = false
            condition.broadcast()
            condition.unlock()
        }
    }

    private func sealLoop() {
        while true {
            condition.lock()
            while !stopped && prepared.isEmpty { condition.wait() }
            if stopped && prepared.isEmpty { condition.unlock(); return }
            let next = prepared.removeFirst()
            sealing = true
            condition.broadcast()
            condition.unlock()

            let outcomes: [Result<Receipt, AdmissionError>]
            let before = sequencer.head.height
            let sealStarted = DispatchTime.now().uptimeNanoseconds
            do {
                outcomes = try sequencer.submit(next.batch)
            } catch {
                logger.critical("sealing failed; this sequencer stops taking events", metadata: ["error": "\(error)"])
                stopAfterFailure(next, error)
                return
            }
            logger.trace("sealed", metadata: ["events": "\(next.slots.count)", "ms": "\((DispatchTime.now().uptimeNanoseconds - sealStarted) / 1_000_000)"])
            if sequencer.head.height != before { sealed(sequencer.head) }
            deliver(next.slots, outcomes.map { outcome in
                switch outcome {
                case .success(let r): return .admitted(eventID: r.eventID, leafIndex: r.leafIndex, blockHeight: r.blockHeight)
                case .failure(let e): return .refused(rule: e.rule.rawValue, message: e.detail)
                }
            })
            condition.lock()
            // Remake the guess from the ledger's true keys and the batches still waiting, so
            // that a key change admission refused misleads at most the batches already prepared.
            var guess = sequencer.keySnapshot
            for p in prepared { guess = p.batch.keys(after: guess) }
            keys = guess
            sealing = false
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Hands each submission its results once all of its events have one.
    private func deliver(_ slots: [Slot], _ results: [PeerMessage.SubmitResult]) {
        var finished: [Submission] = []
        for (slot, result) in zip(slots, results) {
            slot.submission.results[slot.index] = result
            slot.submission.remaining -= 1
            if slot.submission.remaining == 0 { finished.append(slot.submission) }
        }
        for s in finished { s.done(s.results.map { $0 ?? .refused(rule: "internal", message: "no result") }) }
    }

    private func stopAfterFailure(_ current: Prepared, _ error: Error) {
        condition.lock()
        stopped = true
        let rest = prepared.flatMap(\.slots) + waiting
        prepared = []
        waiting = []
        waitingBytes = 0
        sealing = false
        condition.broadcast()
        condition.unlock()
        let refusal = PeerMessage.SubmitResult.refused(rule: "unavailable", message: "the sequencer stopped: \(error)")
        deliver(current.slots + rest, Array(repeating: refusal, count: current.slots.count + rest.count))
        failed(error)
    }
}
