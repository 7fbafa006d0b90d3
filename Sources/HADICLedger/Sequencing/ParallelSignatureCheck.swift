import Dispatch
import HADICCore
import HADICCrypto

/// Verifies many event signatures on every core.
///
/// Each event is checked against the key its `key` field names, as found by `lookup` (the
/// state before the batch). An event whose key is not found yet (registered earlier in the same
/// batch) gets `nil` and is verified in order by the admission rules.
public enum ParallelSignatureCheck {
    public static func verify(_ events: [EventEnvelope], lookup: (EventEnvelope) -> PublicKey?) -> [Bool?] {
        let keys = events.map(lookup)
        let results = ResultBuffer(count: events.count)
        let workers = max(1, System.activeProcessorCount)
        let chunk = max(16, (events.count + workers * 4 - 1) / (workers * 4))
        let chunks = (events.count + chunk - 1) / chunk
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let end = min(events.count, (c + 1) * chunk)
            for i in (c * chunk)..<end {
                if let key = keys[i] {
                    results.set(i, key.isValidSignature(events[i].signature, for: events[i].signingInput))
                }
            }
        }
        return results.values
    }
}

/// Disjoint writes from concurrent workers, read after they all finish.
private final class ResultBuffer: @unchecked Sendable {
    private let storage: UnsafeMutableBufferPointer<Bool?>

    init(count: Int) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: nil)
    }

    deinit { storage.deallocate() }

    func set(_ i: Int, _ v: Bool) { storage[i] = v }
    var values: [Bool?] { Array(storage) }
}

/// The number of cores this process may use.
public enum System {
    public static var activeProcessorCount: Int {
        #if canImport(Glibc)
        return Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
        return ProcessInfo.processInfo.activeProcessorCount
        #endif
    }
}

#if canImport(Glibc)
import Glibc
#else
import Foundation
#endif
