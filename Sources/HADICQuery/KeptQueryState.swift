import HADICCore
import HADICLedger
import HADICStore

/// What a process that answers many queries keeps between them, for one tree size of the
/// ledger: the assessment evidence with its provenance cache (``LedgerEvidence``,
/// ``ProvenanceCache``), and the certificate timelines a trace is drawn with.
///
/// Guarantee: answered through ``QueryRunner`` at a store whose size is ``treeSize``, every
/// query gets the answer a fresh runner gives (``advance(to:)`` keeps that true as the ledger
/// grows). Not thread-safe: one query or advance at a time (``QueryEngine`` serialises them).
public final class KeptQueryState {
    public let evidence: LedgerEvidence
    /// The store the evidence reads (through its own read transactions).
    public let store: SQLiteLedgerStore
    /// Every certificate's timeline, from the certificate events below ``treeSize``.
    public private(set) var certificates: [CertificateTimeline]

    public var treeSize: UInt64 { evidence.treeSize }

    /// Reads the evidence at the store's current size (``LedgerEvidence/init(source:cacheCapacity:)``);
    /// nothing is preloaded (``preload(markets:at:)``).
    public init(store: SQLiteLedgerStore, cacheCapacity: Int) throws {
        self.store = store
        evidence = try LedgerEvidence(source: store, cacheCapacity: cacheCapacity)
        certificates = try store.certificateTimelines(below: evidence.treeSize)
    }

    /// Loads every lot into the cache and works out what assessments ask of it ahead
    /// (``ProvenanceCache/preload(from:)``, ``LedgerEvidence/prepare(markets:at:)``): `markets`
    /// nil means every market of the policy in force at `time` (none when there is no policy);
    /// a market that policy does not name is left out (its assessments are refused anyway).
    public func preload(markets: [String]?, at time: Timestamp) throws -> (ProvenanceCache.Preload, LedgerEvidence.Preparation) {
        let loaded = try evidence.cache.preload(from: store)
        let known = (try? evidence.policy(at: time))?.markets ?? [:]
        let codes = (markets ?? known.keys.sorted()).filter { known[$0] != nil }
        let prepared = try evidence.prepare(markets: codes, at: codes.isEmpty ? nil : time)
        return (loaded, prepared)
    }

    /// The size of the store's latest block: what the store holds (a block's events are stored
    /// with it, in one transaction), read in one lookup where counting the events scans them
    /// (about 10 ms on a million).
    public static func headSize(of store: SQLiteLedgerStore) throws -> UInt64 {
        try store.latestBlock()?.header.treeSize ?? 0
    }

    /// Moves the state forward to the store's current size (``LedgerEvidence/advance(to:)``);
    /// the certificate timelines are read again when the new events include a certificate (or
    /// any ledger-wide) event.
    @discardableResult
    public func advance(to size: UInt64? = nil) throws -> LedgerEvidence.Advance {
        let done = try evidence.advance(to: size ?? Self.headSize(of: store), now: LedgerClock.now())
        if done.global { certificates = try store.certificateTimelines(below: evidence.treeSize) }
        return done
    }
}
