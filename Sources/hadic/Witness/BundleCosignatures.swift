import ArgumentParser
import HADICCrypto
import HADICLedger
import HADICWitness

extension ProveCommand {
    /// `bundle` with its checkpoint carrying the cosignatures the data directory keeps for it:
    /// the bundle format is unchanged (docs/BUNDLE.md), its `checkpoint` note simply has more
    /// signature lines, which verifiers that do not ask for witnesses ignore.
    static func withCosignatures(_ bundle: ProvenanceBundle, dataDirectory: String, treeSize: UInt64) throws -> ProvenanceBundle {
        let note = try StoredCosignatures(dataDirectory: dataDirectory).note(bundle.checkpoint, size: treeSize)
        return ProvenanceBundle(lot: bundle.lot, madeAt: bundle.madeAt, ledgerID: bundle.ledgerID, genesisHeader: bundle.genesisHeader,
                                genesisSignature: bundle.genesisSignature, checkpoint: note, events: bundle.events)
    }
}

/// `--witness VKEY ... --quorum K` of `hadic verify-bundle`.
struct WitnessQuorumOptions: ParsableArguments {
    @Option(name: .customLong("witness"), help: ArgumentHelp("A trusted witness's verifier key (`hadic witness key`); repeat for more.", valueName: "VKEY"))
    var witnesses: [String] = []

    @Option(help: ArgumentHelp("How many of the --witness keys must have cosigned the bundle's checkpoint (default: all of them).", valueName: "K"))
    var quorum: Int?

    func validate() throws {
        if quorum != nil && witnesses.isEmpty { throw ValidationError("--quorum needs --witness keys to count") }
        if let quorum, quorum < 1 || quorum > witnesses.count {
            throw ValidationError("--quorum must be between 1 and the number of --witness keys (\(witnesses.count))")
        }
    }

    /// The quorum to check, or nil when no witness was asked for.
    func policy() throws -> CosignatureQuorum? {
        guard !witnesses.isEmpty else { return nil }
        let keys = try witnesses.map { text in
            do { return try CosignerKey(verifierKey: text) } catch { throw CLIFailure("--witness \(text): \(error)") }
        }
        do { return try CosignatureQuorum(witnesses: keys, quorum: quorum ?? keys.count) } catch { throw CLIFailure("\(error)") }
    }
}

extension WitnessQuorumOptions {
    /// The text line of `verify-bundle` for a met quorum (nil when no witness was asked for).
    func quorumDescription(_ cosigned: [CosignatureQuorum.Cosigned]) -> String? {
        guard !witnesses.isEmpty else { return nil }
        let names = cosigned.map { "\($0.witness.name) (time \($0.timestamp))" }.joined(separator: ", ")
        return "\(cosigned.count) of \(witnesses.count) trusted witnesses cosigned the checkpoint (quorum \(quorum ?? witnesses.count)): \(names)"
    }
}

extension VerifyBundleCommand {
    /// The witnesses' cosignatures on the bundle's checkpoint, once the quorum is met; a quorum
    /// not met makes the bundle invalid, like any other failed check.
    static func checkWitnesses(_ options: WitnessQuorumOptions, _ bundle: ProvenanceBundle) throws -> [CosignatureQuorum.Cosigned] {
        guard let policy = try options.policy() else { return [] }
        do { return try policy.check(note: bundle.checkpoint) } catch {
            throw BundleError.invalid(item: "checkpoint", reason: "\(error)")
        }
    }
}
