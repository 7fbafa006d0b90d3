import ArgumentParser
import Foundation
import HADICCrypto
import HADICLedger
import HADICWitness

/// The witness side: one C2SP tlog-witness `add-checkpoint` request, checked against the state
/// directory and answered with a cosignature line, or refused naming the rule.
struct WitnessAddCheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-checkpoint",
        abstract: "Check an add-checkpoint request (C2SP tlog-witness) and print the witness's cosignature/v1 line.",
        discussion: """
            REQUEST (a file, or stdin) is the body of tlog-witness's add-checkpoint: `old <size>`, \
            the consistency proof's base64 hashes, an empty line, then the signed checkpoint. The \
            checkpoint must be signed by the --log key of its origin, `old` must be the size this \
            witness last cosigned for that origin (0 at first), and the proof must show that tree \
            is a prefix of the new one. The new checkpoint is stored durably in --state before \
            the cosignature is printed.

            Exit status: 0 cosigned (the signature line on stdout); 1 refused (`hadic: refused \
            (HTTP-STATUS RULE): why` on stderr; for old-size-mismatch, the size the witness holds \
            on stdout); 2 unreadable files or state; 64 usage errors. A refusal that shows a fork \
            (a checkpoint signed by the log that contradicts the one held) also keeps the request \
            in --state/evidence and says so.
            """
    )

    @OptionGroup var witness: WitnessIdentityOptions

    @Argument(help: ArgumentHelp("The request body (default: stdin).", valueName: "REQUEST"))
    var request: String?

    func run() throws {
        var refused = false
        try reportingFailures {
            let body: [UInt8]
            do {
                body = [UInt8](try request.map { try Data(contentsOf: URL(fileURLWithPath: $0)) } ?? FileHandle.standardInput.readDataToEndOfFile())
            } catch {
                throw CLIFailure("cannot read \(request ?? "stdin"): \(error.localizedDescription)")
            }
            let service = try witness.service()
            let now = UInt64(max(0, Date().timeIntervalSince1970))
            do {
                let line = try service.addCheckpoint(body, now: now, fork: { printError("hadic: \($0)") })
                FileHandle.standardOutput.write(Data(line.line.utf8))
            } catch let refusal as WitnessRefusal {
                if case .oldSizeMismatch(let held, _) = refusal { print(held) }
                printError("hadic: refused (\(refusal.httpStatus) \(refusal.rule)): \(refusal)")
                refused = true
            }
        }
        if refused { throw ExitCode(1) }
    }
}
