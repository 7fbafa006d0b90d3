import ArgumentParser
import Foundation
import HADICCore
import HADICCrypto
import HADICLedger
import HADICPeer
import HADICStore

struct ProofCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proof",
        abstract: "Print Merkle proofs (RFC 9162) that anyone can check offline against a signed checkpoint.",
        discussion: """
            inclusion: that an event is in the ledger, as a C2SP tlog-proof (c2sp.org/tlog-proof@v1: \
            the event's index, the audit path, and the signed checkpoint it leads to).
            consistency: that the ledger at one size is a prefix of the ledger at a later size \
            (nothing was changed or removed in between, only appended).

            Proofs are read from the stored Merkle nodes: O(log n) reads, whatever the ledger's size. \
            The formats are in docs/FORMATS.md ("Proofs").

              hadic proof inclusion --data DIR 3f2a...e9 > event.tlog-proof
              hadic proof consistency --data DIR --from 1000 --to 5000
            """,
        subcommands: [Inclusion.self, Consistency.self]
    )

    struct Inclusion: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a C2SP tlog-proof that an event is in the tree of a signed checkpoint.",
            discussion: """
                The checkpoint is the head's, or with --size the one signed when the ledger had \
                that many events (a size at which a block ended: `hadic block H` shows each \
                block's tree_size).
                """
        )

        @OptionGroup var source: LedgerSourceOptions

        @Argument(help: "The event id (64 lowercase hex digits); with --data also an EPCIS event hash URI.")
        var event: String

        @Option(help: ArgumentHelp("Prove against the checkpoint signed at this tree size (default: the latest).", valueName: "N"))
        var size: UInt64?

        @Flag(help: "Print JSON instead: {event, index, tree_size, hashes (base64), root, checkpoint}.")
        var json = false

        func validate() throws {
            guard EventID(hex: event) != nil || (EPCISHashURI(event) != nil && source.node == nil) else {
                throw ValidationError("an event id is 64 lowercase hex digits (with --data, an EPCIS event hash ni:///sha-256;<hex>?ver=CBV2.0 also names one)")
            }
        }

        func run() throws {
            try reportingFailures {
                if let node = source.node {
                    guard let id = EventID(hex: event) else { throw CLIFailure("an event id is 64 lowercase hex digits") }
                    let (answer, tree) = try ProofCommand.ask(node, .inclusion(eventID: id, treeSize: size))
                    guard let index = answer.leafIndex else { throw CLIFailure("node \(node) sent an inclusion proof without its index") }
                    if json {
                        print(JSONValue.object([
                            "event": .string(id.hex), "index": .number(JSONNumber(Int(index))), "tree_size": .number(JSONNumber(Int(tree.size))),
                            "hashes": .array(answer.hashes.map { .string(Base64.encode($0)) }), "root": .string(Base64.encode(tree.root)),
                            "checkpoint": .string(answer.checkpoint),
                        ]).prettyPrinted())
                    } else {
                        FileHandle.standardOutput.write(Data(TLogProof(index: index, hashes: answer.hashes, checkpoint: answer.checkpoint).text.utf8))
                    }
                    return
                }
                let r = try LedgerReader(source.data ?? "")
                guard let id = try r.eventID(named: event), let stored = try r.dir.store.event(id: id) else {
                    throw CLIFailure("no event \(event) in this ledger")
                }
                let block = try ProofCommand.checkpointedBlock(size ?? r.head.header.treeSize, reader: r)
                let treeSize = block.header.treeSize
                guard stored.index < treeSize else {
                    throw CLIFailure("event \(event) is at index \(stored.index), not in the tree of size \(treeSize) (it was appended later)")
                }
                let proof = try r.dir.store.merkleProver(treeSize: r.head.header.treeSize).inclusionProof(leafIndex: stored.index, treeSize: treeSize)
                // Never hand out a proof that does not check: it would mean a stored node is wrong.
                do { try proof.verify(leafHash: MerkleHash.leaf(stored.leafBytes), root: block.header.treeRoot) } catch {
                    throw CLIFailure("the stored tree does not prove event \(event) against the checkpoint at size \(treeSize) (\(error)); run `hadic verify`")
                }
                if json {
                    let value: JSONValue = .object([
                        "event": .string(stored.id.hex), "index": .number(JSONNumber(Int(stored.index))),
                        "tree_size": .number(JSONNumber(Int(treeSize))), "hashes": .array(proof.hashes.map { .string(Base64.encode($0)) }),
                        "root": .string(Base64.encode(block.header.treeRoot)), "checkpoint": .string(block.checkpoint),
                    ])
                    print(value.prettyPrinted())
                } else {
                    FileHandle.standardOutput.write(Data(TLogProof(index: stored.index, hashes: proof.hashes, checkpoint: block.checkpoint).text.utf8))
                }
            }
        }
    }

    struct Consistency: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the consistency proof from one tree size to a later one, one base64 hash per line.",
            discussion: """
                A verifier holding a checkpoint at --from checks the hashes against its root and \
                the root of the checkpoint at --to (`hadic checkpoint`, or --json, which carries it \
                when a block ended at that size). Empty when --from is 0 or equals --to.
                """
        )

        @OptionGroup var source: LedgerSourceOptions

        @Option(help: ArgumentHelp("The older tree size.", valueName: "M"))
        var from: UInt64

        @Option(help: ArgumentHelp("The newer tree size (default: the latest).", valueName: "N"))
        var to: UInt64?

        @Flag(help: "Print JSON instead: {from, to, hashes (base64), from_root, to_root, checkpoint (signed at --to, or null)}.")
        var json = false

        func run() throws {
            try reportingFailures {
                if let node = source.node {
                    let (answer, tree) = try ProofCommand.ask(node, .consistency(from: from, to: to))
                    if json {
                        print(JSONValue.object([
                            "from": .number(JSONNumber(Int(from))), "to": .number(JSONNumber(Int(tree.size))),
                            "hashes": .array(answer.hashes.map { .string(Base64.encode($0)) }), "to_root": .string(Base64.encode(tree.root)),
                            "checkpoint": .string(answer.checkpoint),
                        ]).prettyPrinted())
                    } else {
                        FileHandle.standardOutput.write(Data(answer.hashes.map { Base64.encode($0) + "\n" }.joined().utf8))
                    }
                    return
                }
                let r = try LedgerReader(source.data ?? "")
                let newSize = to ?? r.head.header.treeSize
                guard newSize <= r.head.header.treeSize else {
                    throw CLIFailure("--to \(newSize) is beyond the ledger's \(r.head.header.treeSize) events")
                }
                guard from <= newSize else { throw CLIFailure("--from \(from) is after --to \(newSize): a consistency proof goes from an older size to a newer one") }
                let prover = r.dir.store.merkleProver(treeSize: r.head.header.treeSize)
                let proof = try prover.consistencyProof(from: from, to: newSize)
                let oldRoot = try prover.root(treeSize: from), newRoot = try prover.root(treeSize: newSize)
                let oldBlock = try r.dir.store.block(withTreeSize: from), newBlock = try r.dir.store.block(withTreeSize: newSize)
                // Roots folded from stored nodes must be the signed ones, where a block ended at that size.
                for (size, block, root) in [(from, oldBlock, oldRoot), (newSize, newBlock, newRoot)] where block.map({ $0.header.treeRoot != root }) == true {
                    throw CLIFailure("the stored Merkle nodes give another root at size \(size) than the one signed in block \(block?.header.height ?? 0); run `hadic verify`")
                }
                do { try proof.verify(oldRoot: oldRoot, newRoot: newRoot) } catch {
                    throw CLIFailure("the stored tree does not prove \(from) -> \(newSize) consistent with the signed roots (\(error)); run `hadic verify`")
                }
                if json {
                    let checkpoint = newBlock?.checkpoint
                    let value: JSONValue = .object([
                        "from": .number(JSONNumber(Int(from))), "to": .number(JSONNumber(Int(newSize))),
                        "hashes": .array(proof.hashes.map { .string(Base64.encode($0)) }),
                        "from_root": .string(Base64.encode(oldRoot)), "to_root": .string(Base64.encode(newRoot)),
                        "checkpoint": checkpoint.map { .string($0) } ?? .null,
                    ])
                    print(value.prettyPrinted())
                } else {
                    FileHandle.standardOutput.write(Data(proof.hashes.map { Base64.encode($0) + "\n" }.joined().utf8))
                }
            }
        }
    }

    /// A proof from a node, with its checkpoint checked under the sequencer key of the node's genesis.
    /// (The proof itself is checked by whoever holds the leaf or the older root: verify_proof.py.)
    static func ask(_ node: String, _ request: PeerMessage.ProofRequest) throws -> (PeerMessage.ProofAnswer, Checkpoint) {
        let client = try NodeClient(node)
        let (_, genesis) = try client.genesis()
        switch try client.request(.getProof(request)) {
        case .proof(let answer):
            do {
                return (answer, try Checkpoint.verify(signedNote: answer.checkpoint, origin: genesis.origin, sequencerKey: genesis.sequencerKey))
            } catch {
                throw CLIFailure("node \(node) sent a checkpoint that does not verify under its genesis sequencer key: \(error)")
            }
        case let other:
            throw CLIFailure("node \(node) answered \(other.kind.name), not a proof")
        }
    }

    /// The block whose signed checkpoint is at `size`, or a failure naming the nearest sizes that have one.
    static func checkpointedBlock(_ size: UInt64, reader r: LedgerReader) throws -> SealedBlock {
        guard size <= r.head.header.treeSize else {
            throw CLIFailure("tree size \(size) is beyond the ledger's \(r.head.header.treeSize) events")
        }
        if let block = try r.dir.store.block(withTreeSize: size) { return block }
        throw CLIFailure("no checkpoint was signed at tree size \(size): checkpoints are signed when a block ends (`hadic block H` shows each block's tree_size)")
    }
}
