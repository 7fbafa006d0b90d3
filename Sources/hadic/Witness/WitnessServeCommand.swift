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

    @OptionGroup var witness: WitnessIdentityOptions

    func validate() throws {
        guard let colon = listen.lastIndex(of: ":"), Int(listen[listen.index(after: colon)...]) != nil else {
            throw ValidationError("--listen: expected HOST:PORT, got \(listen)")
        }
    }

    func run() throws {
        try reportingFailures {
            let service = try witness.service()
            let server = WitnessHTTPServer(service: service, log: { printError("hadic witness: \($0)") })
            let colon = listen.lastIndex(of: ":") ?? listen.endIndex
            var host = String(listen[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            let port: Int
            do { port = try server.start(host: host, port: Int(listen[listen.index(after: colon)...]) ?? 0) } catch {
                throw CLIFailure("cannot listen on \(listen): \(error)")
            }
            printError("hadic witness: \(witness.name) listening on \(host):\(port) (POST /add-checkpoint)")
            try server.wait()
        }
    }
}
