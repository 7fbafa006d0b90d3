import ArgumentParser
import Foundation
import HADICCrypto
import HADICLedger
import HADICWitness
import HADICStore

/// The sequencer's side of witnessing: the add-checkpoint request for a checkpoint of the
/// ledger, and keeping the cosignatures a witness answers with.
struct WitnessRequestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "request",
        abstract: "Print the add-checkpoint request (C2SP tlog-witness) for a checkpoint of the ledger, with the consistency proof from --old.",
        discussion: """
            --old is the size the witness last cosigned (0 for a witness new to this ledger; a \
            witness that holds another size refuses and prints its size). --size chooses the \
            checkpoint (a size at which a block ended; default the head's).
            """
    )

    @OptionGroup var data: DataOptions

    @Option(help: ArgumentHelp("The tree size the witness holds.", valueName: "M"))
    var old: UInt64 = 0

    @Option(help: ArgumentHelp("The checkpoint's tree size (default: the head's).", valueName: "N"))
    var size: UInt64?

    func run() throws {
        try reportingFailures {
            let r = try LedgerReader(data.data)
            let newSize = size ?? r.head.header.treeSize
            guard let block = try r.dir.store.block(withTreeSize: newSize) else {
                throw CLIFailure("no block ended at tree size \(newSize), so no checkpoint was signed there (the head's size is \(r.head.header.treeSize))")
            }
            guard old <= newSize else { throw CLIFailure("--old \(old) is after the checkpoint's size \(newSize)") }
            var hashes: [[UInt8]] = []
            if old > 0 && old < newSize {
                let prover = r.dir.store.merkleProver(treeSize: r.head.header.treeSize)
                let proof = try prover.consistencyProof(from: old, to: newSize)
                // Hand out only a proof that holds against the signed root (a spoiled node would
                // make the witness refuse, and look like a fork).
                do { try proof.verify(oldRoot: try prover.root(treeSize: old), newRoot: block.header.treeRoot) } catch {
                    throw CLIFailure("the stored tree does not prove \(old) -> \(newSize) consistent with the signed root (\(error)); run `hadic verify`")
                }
                hashes = proof.hashes
            }
            let request = AddCheckpointRequest(oldSize: old, proof: hashes, checkpoint: block.checkpoint)
            FileHandle.standardOutput.write(Data(request.bytes))
        }
    }
}

struct WitnessAttachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Keep a witness's cosignatures (an add-checkpoint response) with the checkpoint they cosign, after checking them.",
        discussion: """
            RESPONSE (a file, or stdin) holds signature lines, as a witness answers add-checkpoint. \
            Each must be a valid cosignature/v1 by one of the --witness keys over the checkpoint of \
            tree size --size (default: the head's); any other line is refused and nothing is kept. \
            They are stored in DIR/cosignatures/SIZE; `hadic checkpoint` and `hadic prove` add \
            them to that checkpoint.
            """
    )

    @OptionGroup var data: DataOptions

    @Option(name: .customLong("witness"), help: ArgumentHelp("A witness's verifier key (`hadic witness key`); repeat for more.", valueName: "VKEY"))
    var witnesses: [String] = []

    @Option(help: ArgumentHelp("The cosigned checkpoint's tree size (default: the head's).", valueName: "N"))
    var size: UInt64?

    @Argument(help: ArgumentHelp("The witness's response (default: stdin).", valueName: "RESPONSE"))
    var response: String?

    func validate() throws {
        if witnesses.isEmpty { throw ValidationError("give at least one --witness VKEY: the witnesses whose cosignatures to keep") }
    }

    func run() throws {
        try reportingFailures {
            let keys = try witnesses.map { text in
                do { return try CosignerKey(verifierKey: text) } catch { throw CLIFailure("--witness \(text): \(error)") }
            }
            let r = try LedgerReader(data.data)
            let treeSize = size ?? r.head.header.treeSize
            guard let block = try r.dir.store.block(withTreeSize: treeSize) else {
                throw CLIFailure("no block ended at tree size \(treeSize), so there is no checkpoint to attach to")
            }
            let text = try SignedNote(parsing: block.checkpoint).text
            let bytes: Data
            do { bytes = try response.map { try Data(contentsOf: URL(fileURLWithPath: $0)) } ?? FileHandle.standardInput.readDataToEndOfFile() } catch {
                throw CLIFailure("cannot read \(response ?? "stdin"): \(error.localizedDescription)")
            }
            let lines: [NoteSignature]
            do { lines = try StoredCosignatures.signatureLines([UInt8](bytes)) } catch {
                throw CLIFailure("the response is not signature lines: \(error)")
            }
            for (n, line) in lines.enumerated() {
                guard let key = keys.first(where: { $0.matches(line) }) else {
                    throw CLIFailure("response line \(n + 1) is by \(line.name)+\(Hex.encode(line.keyHash)), not one of the --witness keys")
                }
                guard key.verifiedTimestamp(of: line, checkpointText: text) != nil else {
                    throw CLIFailure("response line \(n + 1) is not a valid cosignature/v1 by \(key.name) over the checkpoint of size \(treeSize)")
                }
            }
            try StoredCosignatures(dataDirectory: data.data).add(lines, size: treeSize)
            printError("hadic: kept \(lines.count) cosignature(s) for the checkpoint of tree size \(treeSize)")
        }
    }
}
