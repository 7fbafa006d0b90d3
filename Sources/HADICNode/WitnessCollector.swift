import Foundation
import HADICCrypto
import HADICLedger
import HADICStore
import HADICWitness
import Logging
import NIOCore
import NIOPosix

/// A witness a sequencer sends its checkpoints to (`witnesses` in docs/NODE.md).
public struct WitnessPeer: Sendable {
    public let endpoint: WitnessEndpoint
    public let key: CosignerKey

    public init(endpoint: WitnessEndpoint, key: CosignerKey) {
        self.endpoint = endpoint
        self.key = key
    }

    /// Parses `HOST:PORT=VKEY` or `http://HOST:PORT[/PREFIX]=VKEY` (split at the first `=`:
    /// neither form of address holds one, a verifier key may end in base64 padding).
    public init(argument text: String) throws {
        guard let eq = text.firstIndex(of: "=") else { throw NodeConfig.Invalid("--witness: expected HOST:PORT=VKEY, got \(text)") }
        try self.init(address: String(text[..<eq]), vkey: String(text[text.index(after: eq)...]), field: "--witness")
    }

    init(address: String, vkey: String, field: String) throws {
        guard let endpoint = WitnessEndpoint(address) else {
            throw NodeConfig.Invalid("\(field): expected HOST:PORT or http://HOST:PORT[/PREFIX], got \(address)")
        }
        do { key = try CosignerKey(verifierKey: vkey) } catch { throw NodeConfig.Invalid("\(field): the witness key \(vkey): \(error)") }
        self.endpoint = endpoint
    }
}

/// Collects cosignatures for the sequencer's checkpoints (docs/WITNESS.md, "Collection by the
/// sequencer"): after each sealed block, each witness is sent the newest checkpoint with a
/// consistency proof from the size it last cosigned, and the verified cosignature lines are
/// kept in DIR/cosignatures/<size>, as `hadic witness attach` keeps them.
///
/// Guarantees: `blockSealed` only sets a flag and schedules work on the witness's own queue, so
/// sealing and receipts never wait on a witness; at most one request is in flight per witness
/// (a block sealed meanwhile is covered by the next round, which sends the newest head); a
/// line is kept only if it is a valid cosignature/v1 of that witness's key over the checkpoint
/// sent; every failure is logged with the witness and the reason, and never stops the node.
final class WitnessCollector: @unchecked Sendable {
    /// One witness's round state, touched only on its queue except `wanted`/`running` (under `lock`).
    final class Slot: @unchecked Sendable {
        let peer: WitnessPeer
        let queue: DispatchQueue
        var running = false
        var wanted = false
        /// The size the witness holds, as it last told us or as the cosignatures kept for it say
        /// (nil: not known; 0 is tried first).
        var held: UInt64?
        init(peer: WitnessPeer) {
            self.peer = peer
            queue = DispatchQueue(label: "hadicd-witness-\(peer.endpoint)")
        }
    }

    let slots: [Slot]
    let dataDirectory: String
    let logger: Logger
    let timeout: Int64
    private let lock = NSLock()
    /// Serialises reads of the store and updates of DIR/cosignatures (read-modify-write per size).
    private let storeLock = NSLock()
    private let store: SQLiteLedgerStore
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    init(peers: [WitnessPeer], dataDirectory: String, logger: Logger, timeoutSeconds: Int64 = 10) throws {
        slots = peers.map(Slot.init)
        self.dataDirectory = dataDirectory
        self.logger = logger
        timeout = timeoutSeconds
        store = try SQLiteLedgerStore(path: DataDirectory.ledgerFile(in: dataDirectory), readOnly: true)
        // What each witness cosigned before a restart is kept in DIR/cosignatures: start from it.
        let kept = StoredCosignatures(dataDirectory: dataDirectory)
        for slot in slots {
            do { slot.held = try kept.latestSize(cosignedBy: slot.peer.key) } catch {
                logger.warning("witness \(slot.peer.key.name): cannot read the cosignatures kept for it; starting from size 0",
                               metadata: ["reason": "\(error)"])
            }
        }
    }

    /// A block is durable: ask every idle witness to cosign the head; a busy one goes again when done.
    func blockSealed() {
        for slot in slots {
            let start: Bool = lock.withLock {
                slot.wanted = true
                if slot.running { return false }
                slot.running = true
                return true
            }
            if start { slot.queue.async { [self] in run(slot) } }
        }
    }

    private func run(_ slot: Slot) {
        while lock.withLock({ () -> Bool in
            if slot.wanted { slot.wanted = false; return true }
            slot.running = false
            return false
        }) {
            do { try round(slot) } catch {
                logger.warning("witness \(slot.peer.key.name) at \(slot.peer.endpoint) did not cosign", metadata: ["reason": "\(error)"])
            }
        }
    }

    /// Sends the head's checkpoint; after a 409 that names another held size, once more from it.
    private func round(_ slot: Slot) throws {
        let head: SealedBlock? = try storeLock.withLock { try store.latestBlock() }
        guard let head else { return }
        let size = head.header.treeSize
        let text = try SignedNote(parsing: head.checkpoint).text
        for _ in 0..<2 {
            let old = slot.held ?? 0
            if old > size { throw WitnessHTTPError(description: "the witness holds size \(old), past this ledger's head \(size)") }
            var hashes: [[UInt8]] = []
            if old > 0 && old < size {
                hashes = try storeLock.withLock { try store.merkleProver(treeSize: size).consistencyProof(from: old, to: size).hashes }
            }
            let body = AddCheckpointRequest(oldSize: old, proof: hashes, checkpoint: head.checkpoint).bytes
            let answer = try WitnessHTTPClient.post(body, to: slot.peer.endpoint, group: group, timeout: timeout)
            let bodyText = String(decoding: answer.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            switch answer.status {
            case 200:
                let lines: [NoteSignature]
                do { lines = try StoredCosignatures.signatureLines(answer.body) } catch {
                    throw WitnessHTTPError(description: "the 200 answer is not signature lines: \(error)")
                }
                let valid = lines.filter { slot.peer.key.matches($0) && slot.peer.key.verifiedTimestamp(of: $0, checkpointText: text) != nil }
                guard !valid.isEmpty else {
                    throw WitnessHTTPError(description: "the answer holds no valid cosignature/v1 by \(slot.peer.key.verifierKey) over the checkpoint of size \(size)")
                }
                try storeLock.withLock { try StoredCosignatures(dataDirectory: dataDirectory).add(Array(valid.prefix(1)), size: size) }
                slot.held = size
                logger.debug("witness \(slot.peer.key.name) cosigned the checkpoint of size \(size)")
                return
            case 409 where answer.contentType?.hasPrefix("text/x.tlog.size") == true:
                guard let held = UInt64(bodyText), held != old else {
                    throw WitnessHTTPError(description: "409 with a held size that does not help: \(bodyText)")
                }
                logger.info("witness \(slot.peer.key.name) holds size \(held), not \(old): sending a proof from \(held)")
                slot.held = held
            default:
                throw WitnessHTTPError(description: "HTTP \(answer.status): \(bodyText)")
            }
        }
        throw WitnessHTTPError(description: "the witness changed its held size twice in one round")
    }
}
