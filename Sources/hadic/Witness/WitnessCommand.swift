import ArgumentParser
import Foundation
import HADICCrypto
import HADICLedger

/// `hadic witness`: a C2SP tlog-witness as a command (docs/WITNESS.md). The witness side is
/// `add-checkpoint`; the sequencer side makes requests (`request`) and keeps the answers (`attach`).
struct WitnessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "witness",
        abstract: "Cosign checkpoints as a witness (C2SP tlog-witness, cosignature/v1), and collect cosignatures for a ledger.",
        discussion: """
            A witness keeps, per ledger origin, the last checkpoint it cosigned, and cosigns a newer \
            one only with a consistency proof from it: so no two witnessed checkpoints of one ledger \
            can disagree. Every byte is in docs/WITNESS.md.

              hadic witness key --key w1.key --name witness.example/w1            # the witness's vkey, for verifiers
              hadic witness log-key --data DIR                                   # the ledger's vkey, for the witness
              hadic witness request --data DIR --old 0 > req                     # on the sequencer's side
              hadic witness add-checkpoint --state WDIR --key w1.key --name witness.example/w1 --log VKEY req > cosig
              hadic witness serve --listen 0.0.0.0:7500 --state WDIR --key w1.key --name witness.example/w1 --log VKEY
              hadic witness attach --data DIR --witness W1_VKEY cosig            # hadic checkpoint and hadic prove now carry it
              hadic verify-bundle B --trust seq.pub --witness W1_VKEY --quorum 1
            """,
        subcommands: [WitnessKeyCommand.self, WitnessLogKeyCommand.self, WitnessAddCheckpointCommand.self, WitnessServeCommand.self,
                      WitnessRequestCommand.self, WitnessAttachCommand.self]
    )
}

struct WitnessKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Print a witness's verifier key: name+hex8(key id)+base64(0x04 || Ed25519 public key)."
    )

    @Option(help: ArgumentHelp("The witness's Ed25519 key (private or public PEM).", valueName: "FILE"))
    var key: String

    @Option(help: ArgumentHelp("The witness's name (a signed-note key name, e.g. witness.example/w1).", valueName: "NAME"))
    var name: String

    func run() throws {
        try reportingFailures {
            let publicKey = try (try? PublicKey(contentsOf: key)) ?? PrivateKey(contentsOf: key).publicKey
            print(try CosignerKey(name: name, publicKey: publicKey).verifierKey)
        }
    }
}

struct WitnessLogKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log-key",
        abstract: "Print a ledger's checkpoint verifier key (origin+hex8(key hash)+base64(0x01 || key)), to configure a witness with.",
        discussion: "From the genesis of --data DIR, or from --origin and --sequencer-key."
    )

    @Option(help: ArgumentHelp("The data directory holding the ledger.", valueName: "DIR"))
    var data: String?

    @Option(help: ArgumentHelp("The ledger's origin (with --sequencer-key).", valueName: "NAME"))
    var origin: String?

    @Option(help: ArgumentHelp("The sequencer's public key (PEM), with --origin.", valueName: "PUBFILE"))
    var sequencerKey: String?

    func validate() throws {
        guard (data != nil) != (origin != nil && sequencerKey != nil), (origin == nil) == (sequencerKey == nil) else {
            throw ValidationError("give --data, or --origin and --sequencer-key")
        }
    }

    func run() throws {
        try reportingFailures {
            if let data {
                let r = try LedgerReader(data)
                print(try NoteVerifier(name: r.genesis.origin, publicKey: r.genesis.sequencerKey).verifierKey)
            } else if let origin, let sequencerKey {
                print(try NoteVerifier(name: origin, publicKey: PublicKey(contentsOf: sequencerKey)).verifierKey)
            }
        }
    }
}
