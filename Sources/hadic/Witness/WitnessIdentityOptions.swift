import ArgumentParser
import HADICCrypto
import HADICLedger
import HADICWitness

/// Who the witness is and which logs it follows: the options `hadic witness add-checkpoint`
/// and `hadic witness serve` share, and the one ``WitnessService`` both build from them (so a
/// request answered by the command and by the server goes through the same checks and state).
struct WitnessIdentityOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The witness's state directory (created if missing).", valueName: "DIR"))
    var state: String

    @Option(help: ArgumentHelp("The witness's Ed25519 private key (PEM).", valueName: "FILE"))
    var key: String

    @Option(help: ArgumentHelp("The witness's name (a signed-note key name).", valueName: "NAME"))
    var name: String

    @Option(name: .customLong("log"), help: ArgumentHelp("A log this witness follows, as its checkpoint verifier key (`hadic witness log-key`); repeat for more.", valueName: "VKEY"))
    var logs: [String] = []

    func validate() throws {
        if logs.isEmpty { throw ValidationError("give at least one --log VKEY: the logs this witness follows") }
    }

    /// The witness: its key, the logs' verifier keys, its state directory (errors name the option at fault).
    func service() throws -> WitnessService {
        let cosigner = try Cosigner(name: name, privateKey: PrivateKey(contentsOf: key))
        let rules = WitnessRules(logs: try logs.map { text in
            do { return try NoteVerifier(verifierKey: text) } catch { throw CLIFailure("--log \(text): \(error)") }
        })
        return WitnessService(directory: try WitnessStateDirectory(state), rules: rules, cosigner: cosigner)
    }
}
