import ArgumentParser
import Foundation

/// Runs a command body so that any failure is one line on stderr and exit status 2
/// (1 is reserved for "the ledger is not intact" and "an event was refused").
func reportingFailures(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let exit as ExitCode {
        throw exit
    } catch let e as ValidationError {
        throw e
    } catch {
        printError("hadic: error: \(describe(error))")
        throw ExitCode(2)
    }
}

func describe(_ error: any Error) -> String { String(describing: error) }

func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// A failure of the command line itself (bad file, bad argument value).
struct CLIFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
