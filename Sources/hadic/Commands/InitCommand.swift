import ArgumentParser
import HADICCore
import HADICCrypto
import HADICLedger
import HADICStore

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a ledger: write its genesis block and print the ledger id.",
        discussion: """
            The genesis block names the ledger's origin (its checkpoint name), the sequencer's \
            Ed25519 public key and the admin keys that may register every other party. The ledger \
            id is the hash of the genesis block; every event names it.

            Admins are named admin, admin-2, ... unless --admin-name gives names in the same order.
            """
    )

    @OptionGroup var data: DataOptions

    @Option(help: ArgumentHelp("The ledger's origin, e.g. example.org/hadic/east-java.", valueName: "ORIGIN"))
    var name: String

    @Option(name: .customLong("sequencer-key"), help: ArgumentHelp("The sequencer's Ed25519 private key (recorded for appends).", valueName: "FILE"))
    var sequencerKey: String

    @Option(name: .customLong("admin-key"), help: ArgumentHelp("An admin's public key (repeatable).", valueName: "PUBFILE"))
    var adminKeys: [String] = []

    @Option(name: .customLong("admin-name"), help: ArgumentHelp("The party id of the admin with the same position (repeatable).", valueName: "PARTY"))
    var adminNames: [String] = []

    @Option(help: ArgumentHelp("Genesis time (RFC 3339 UTC); default now.", valueName: "TIME"))
    var time: String?

    func validate() throws {
        guard !adminKeys.isEmpty else { throw ValidationError("at least one --admin-key is required") }
        guard adminNames.count <= adminKeys.count else { throw ValidationError("more --admin-name than --admin-key") }
        if let time, Timestamp(time) == nil { throw ValidationError("--time must be RFC 3339 UTC like 2026-11-29T05:00:00Z") }
    }

    func run() throws {
        try reportingFailures {
            let key = try PrivateKey(contentsOf: sequencerKey)
            var admins: [GenesisAdmin] = []
            for (i, path) in adminKeys.enumerated() {
                let nameText = i < adminNames.count ? adminNames[i] : (i == 0 ? "admin" : "admin-\(i + 1)")
                guard let party = PartyID(nameText) else { throw CLIFailure("--admin-name \(nameText): not a party id (lowercase letters, digits, '-')") }
                admins.append(GenesisAdmin(party: party, publicKey: try PublicKey(contentsOf: path)))
            }
            let genesis = try Genesis(origin: name, sequencerKey: key.publicKey, admins: admins)
            let dir = try DataDirectory(writing: data.data, holder: "hadic init", create: true)
            let block = try Sequencer.initialize(store: dir.store, genesis: genesis, sequencerKey: key,
                                                 time: time.flatMap(Timestamp.init) ?? LedgerClock.now())
            try dir.recordSequencerKeyPath(sequencerKey)
            print(Hex.encode(block.header.hash))
        }
    }
}
