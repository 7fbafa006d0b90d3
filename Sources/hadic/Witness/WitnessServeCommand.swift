import ArgumentParser
import Foundation
import HADICCrypto
import HADICLedger
import HADICWitness

/// The witness as a long-running HTTP/1.1 server: C2SP tlog-witness's `POST /add-checkpoint`,
/// answered with the same checks and state as `hadic witness add-checkpoint` (WitnessService).
struct WitnessServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Answer add-checkpoint requests over HTTP (C2SP tlog-witness: POST /add-checkpoint).",
        discussion: """
            Each request is checked and answered as `hadic witness add-checkpoint` answers it, one \
            at a time, under the lock of --state (so a command run on the same directory is \
            serialised with the server). 200: the cosignature line; 400 malformed, 403 \
            not-signed-by-log, 404 unknown-origin, 409 (old-size-mismatch: the held size as \
            text/x.tlog.size; same-size-other-root), 422 inconsistent, 413 a body over 1 MiB. \
            One line per request on stderr. Runs until killed.
            """
    )

    @Option(help: ArgumentHelp("Where to listen (port 0: any free port, printed at start).", valueName: "HOST:PORT"))
    var listen: String

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
        guard let colon = listen.lastIndex(of: ":"), Int(listen[listen.index(after: colon)...]) != nil else {
            throw ValidationError("--listen: expected HOST:PORT, got \(listen)")
        }
    }

    func run() throws {
        try reportingFailures {
            let cosigner = try Cosigner(name: name, privateKey: PrivateKey(contentsOf: key))
            let rules = WitnessRules(logs: try logs.map { text in
                do { return try NoteVerifier(verifierKey: text) } catch { throw CLIFailure("--log \(text): \(error)") }
            })
            let service = WitnessService(directory: try WitnessStateDirectory(state), rules: rules, cosigner: cosigner)
            let server = WitnessHTTPServer(service: service, log: { printError("hadic witness: \($0)") })
            let colon = listen.lastIndex(of: ":") ?? listen.endIndex
            var host = String(listen[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            let port: Int
            do { port = try server.start(host: host, port: Int(listen[listen.index(after: colon)...]) ?? 0) } catch {
                throw CLIFailure("cannot listen on \(listen): \(error)")
            }
            printError("hadic witness: \(cosigner.key.name) listening on \(host):\(port) (POST /add-checkpoint)")
            try server.wait()
        }
    }
}
