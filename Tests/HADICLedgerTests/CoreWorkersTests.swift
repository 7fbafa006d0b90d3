import CHADICThreads
import Dispatch
import Foundation
import Synchronization
import XCTest
@testable import HADICLedger

/// The pinned worker pool behind `parallelMap`: every index runs once, results keep their
/// order, a job started while the pool is busy (from another thread or from inside a job) runs
/// on its caller instead of waiting, and each worker is pinned to one CPU.
final class CoreWorkersTests: XCTestCase {
    func testEveryIndexRunsExactlyOnce() {
        let counts = Mutex([Int](repeating: 0, count: 5_000))
        CoreWorkers.shared.run(iterations: 5_000) { i in counts.withLock { $0[i] += 1 } }
        counts.withLock { XCTAssertEqual($0, [Int](repeating: 1, count: 5_000)) }
    }

    func testParallelMapKeepsOrder() {
        let items = Array(0..<10_007)
        XCTAssertEqual(parallelMap(items) { $0 * 3 + 1 }, items.map { $0 * 3 + 1 })
        XCTAssertEqual(parallelMap([Int]()) { $0 }, [])
    }

    /// Callers on several threads at once, each mapping inside its own job: all finish, none
    /// waits on another (a wait would deadlock the nested calls), and every result is right.
    func testConcurrentAndNestedCallersAllFinish() {
        let outer = 6
        let results = Mutex([[Int]](repeating: [], count: outer))
        let group = DispatchGroup()
        for caller in 0..<outer {
            group.enter()
            Thread.detachNewThread {
                let rows = parallelMap(Array(0..<200)) { row in parallelMap(Array(0..<50)) { $0 + row }.reduce(0, +) }
                results.withLock { $0[caller] = rows }
                group.leave()
            }
        }
        XCTAssertEqual(group.wait(timeout: .now() + 60), .success, "a caller never finished")
        let expected = (0..<200).map { row in (0..<50).reduce(0) { $0 + $1 + row } }
        results.withLock { rows in
            for caller in 0..<outer { XCTAssertEqual(rows[caller], expected, "caller \(caller)") }
        }
    }

    /// On a machine with several CPUs, the work runs on threads pinned to one CPU each, all
    /// CPUs used (so a busy sealer's CPU is never the only one the checks can run on).
    func testWorkersArePinnedOneToEachCPU() throws {
        let cpus = Int(hadic_allowed_cpu_count())
        try XCTSkipIf(cpus < 2, "one CPU: the caller works alone, nothing to pin")
        XCTAssertEqual(CoreWorkers.shared.count, cpus)
        let masks = Mutex([Int32: Int]())
        CoreWorkers.shared.run(iterations: 2_000) { _ in
            let allowed = hadic_allowed_cpu_count()
            masks.withLock { $0[allowed, default: 0] += 1 }
            // Long enough that every worker takes some iterations.
            var x = 0
            for i in 0..<20_000 { x &+= i }
            precondition(x != 1)
        }
        masks.withLock { XCTAssertEqual($0.keys.sorted(), [1], "every iteration ran on a thread pinned to exactly one CPU") }
    }
}
