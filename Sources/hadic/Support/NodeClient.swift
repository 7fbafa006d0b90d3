import HADICCore
import HADICCrypto
import HADICLedger
import HADICPeer
import HADICWitness
import NIOCore
import NIOPosix

/// The CLI's connection to a node (``PeerConnection/connectAsClient``): the node's proof of its
/// key, then requests answered in order.
final class NodeClient {
    let address: String
    private let group: MultiThreadedEventLoopGroup
    let connection: PeerConnection

    init(_ address: String) throws {
        let parts = address.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 2, let port = Int(parts[parts.count - 1]), (1...65535).contains(port) else {
            throw CLIFailure("--node: expected HOST:PORT, got \(address)")
        }
        let host = parts.dropLast().joined(separator: ":").trimmingCharacters(in: ["[", "]"])
        self.address = address
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            connection = try PeerConnection.connectAsClient(host: host, port: port, group: group).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw CLIFailure("node \(address): \(error)")
        }
    }

    deinit {
        connection.close()
        try? group.syncShutdownGracefully()
    }

    var ledgerID: String { connection.peer.ledgerID }

    /// Sends a request and waits for its answer.
    func request(_ message: PeerMessage, timeout: TimeAmount = .seconds(60)) throws -> PeerMessage {
        do {
            return try connection.request(message, timeout: timeout).wait()
        } catch {
            throw CLIFailure("node \(address): \(error)")
        }
    }

    /// Sends every request at once; the futures complete in order as the node answers.
    func submitAll(_ messages: [PeerMessage], timeout: TimeAmount = .seconds(300)) -> [EventLoopFuture<PeerMessage>] {
        messages.map { connection.request($0, timeout: timeout) }
    }

    /// The node's genesis block, checked to hash to the ledger id it named in its hello.
    func genesis() throws -> (SealedBlock, Genesis) {
        guard case .blocks(let blocks) = try request(.getBlocks(from: 0, max: 1)), let first = blocks.first else {
            throw CLIFailure("node \(address) did not send its genesis block")
        }
        let header = try BlockHeader.parse(first.header)
        guard let genesis = header.genesis, Hex.encode(header.hash) == ledgerID else {
            throw CLIFailure("node \(address) sent a genesis block that does not hash to its ledger id \(ledgerID)")
        }
        return (SealedBlock(header: header, signature: first.signature, checkpoint: first.checkpoint), genesis)
    }

    /// The node's latest checkpoint, verified under the sequencer key its genesis names.
    func checkpoint() throws -> (String, Checkpoint, Genesis) {
        let (note, checkpoint, genesis, _) = try cosignedCheckpoint()
        return (note, checkpoint, genesis)
    }

    /// ``checkpoint()`` and the witness cosignature lines the node keeps for it, as sent (each
    /// must parse as a signature line; whose they are and whether they verify is for a reader
    /// who trusts some witness to check).
    func cosignedCheckpoint() throws -> (String, Checkpoint, Genesis, [NoteSignature]) {
        let (_, genesis) = try genesis()
        guard case .checkpoint(let note, let cosignatures) = try request(.getCheckpoint) else { throw CLIFailure("node \(address) did not send a checkpoint") }
        let lines: [NoteSignature]
        do { lines = cosignatures.isEmpty ? [] : try StoredCosignatures.signatureLines(Array(cosignatures.utf8)) } catch {
            throw CLIFailure("node \(address) sent cosignatures that are not signature lines: \(error)")
        }
        do {
            return (note, try Checkpoint.verify(signedNote: note, origin: genesis.origin, sequencerKey: genesis.sequencerKey), genesis, lines)
        } catch {
            throw CLIFailure("node \(address) sent a checkpoint that does not verify under the sequencer key of its genesis: \(error)")
        }
    }
}
