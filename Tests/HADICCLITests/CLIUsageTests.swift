import Foundation
import HADICCrypto
import XCTest

/// Exit statuses and messages of the command line itself: 64 for usage errors, 2 for other
/// failures (one line, no stack trace), help for every subcommand, and key files.
final class CLIUsageTests: HadicTestCase {
    /// No stack trace, crash report or Swift runtime error in a failure's stderr.
    func assertCleanFailure(_ r: ProcessResult, file: StaticString = #filePath, line: UInt = #line) {
        for marker in ["Fatal error", "Stack dump", "backtrace", "Thread 0", "0x0000", "Crash"] {
            XCTAssertFalse(r.stderr.contains(marker), "stderr must not contain \(marker): \(r.summary)", file: file, line: line)
        }
        XCTAssertFalse(r.signaled, r.summary, file: file, line: line)
    }

    func testUnknownSubcommandExits64() throws {
        let r = hadic(["frobnicate"], exit: 64)
        XCTAssertEqual(r.stdout, "")
        XCTAssertTrue(r.stderr.contains("frobnicate"), r.stderr)
        assertCleanFailure(r)
        let option = hadic(["status", "--data", path("x"), "--no-such-option"], exit: 64)
        XCTAssertTrue(option.stderr.contains("--no-such-option"), option.stderr)
        let none = hadic([], exit: 0)  // no subcommand: help, like --help
        XCTAssertTrue(none.stdout.contains("USAGE") || none.stderr.contains("USAGE"), none.summary)
    }

    func testMissingDataExits64() throws {
        let id = String(repeating: "0", count: 64)
        let commands: [[String]] = [["status"], ["verify"], ["verify", "--full"], ["export"], ["checkpoint"], ["reindex"],
                                    ["append", "--signed"], ["block", "1"], ["event", id],
                                    ["init", "--name", "x", "--sequencer-key", Hadic.key("sequencer.key"), "--admin-key", Hadic.key("hcms-admin.key.pub")]]
        for args in commands {
            let r = hadic(args, exit: 64)
            XCTAssertTrue(r.stderr.contains("--data"), "\(args): the message names --data: \(r.stderr)")
            XCTAssertEqual(r.stdout, "", "\(args)")
            assertCleanFailure(r)
        }
    }

    func testOtherUsageErrorsExit64() throws {
        let dir = makeFixtureLedger()
        for (args, mention) in [
            (["append", "--data", dir], "--signed"),
            (["append", "--data", dir, "--signed", "--key", Hadic.key("rempah-madura-2.key"), "--actor", "rempah-madura"], "--signed"),
            (["append", "--data", dir, "--key", Hadic.key("rempah-madura-2.key")], "--actor"),
            (["append", "--data", dir, "--signed", "--block-size", "0"], "--block-size"),
            (["append", "--data", dir, "--key", Hadic.key("rempah-madura-2.key"), "--actor", "Not A Party"], "--actor"),
            (["init", "--data", path("new"), "--name", "x", "--sequencer-key", Hadic.key("sequencer.key")], "--admin-key"),
            (["init", "--data", path("new"), "--name", "x", "--sequencer-key", Hadic.key("sequencer.key"),
              "--admin-key", Hadic.key("hcms-admin.key.pub"), "--time", "yesterday"], "--time"),
            (["key", "generate", "--out", path("k"), "--algorithm", "rsa"], "--algorithm"),
            (["block", "--data", dir, "minus-one"], "height"),
        ] {
            let r = hadic(args, exit: 64)
            XCTAssertTrue(r.stderr.contains(mention), "\(args): \(r.stderr)")
            assertCleanFailure(r)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("new")), "a refused init creates nothing")
        XCTAssertEqual(treeSize(dir), 53)
    }

    func testMissingDataDirectoryExits2WithOneLine() throws {
        let missing = "/nonexistent-\(UUID().uuidString)"
        for args in [["verify", "--data", missing], ["verify", "--data", missing, "--full"], ["status", "--data", missing],
                     ["export", "--data", missing], ["reindex", "--data", missing], ["append", "--data", missing, "--signed", "-"]] {
            let r = hadic(args, exit: 2)
            XCTAssertEqual(r.stdout, "", "\(args)")
            XCTAssertEqual(r.stderrLines.count, 1, "\(args): one line on stderr: \(r.stderr)")
            XCTAssertTrue(r.stderr.hasPrefix("hadic: error: "), "\(args): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains(missing), "\(args): the message names the directory: \(r.stderr)")
            assertCleanFailure(r)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: missing), "no command creates a missing data directory")
        // An empty directory is not a ledger either.
        let empty = path("empty")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let r = hadic(["verify", "--data", empty, "--full"], exit: 2)
        XCTAssertEqual(r.stderrLines.count, 1, r.stderr)
        assertCleanFailure(r)
    }

    func testBadEventIDExits64() throws {
        let dir = makeFixtureLedger()
        let id = Hadic.eventID(ofCanonicalEnvelope: Hadic.chainLines[0]) ?? "?"
        for bad in ["1234", id.uppercased(), String(id.dropLast()), id + "0", String(repeating: "g", count: 64)] {
            let r = hadic(["event", "--data", dir, bad], exit: 64)
            XCTAssertTrue(r.stderr.contains("64 lowercase hex"), "\(bad): \(r.stderr)")
            XCTAssertEqual(r.stdout, "")
            assertCleanFailure(r)
        }
        hadic(["event", "--data", dir, id])
        let unknown = hadic(["event", "--data", dir, String(repeating: "0", count: 64)], exit: 2)
        XCTAssertEqual(unknown.stderrLines.count, 1, unknown.stderr)
        let block = hadic(["block", "--data", dir, "5"], exit: 2)
        XCTAssertTrue(block.stderr.contains("no block at height 5"), block.stderr)
        assertCleanFailure(block)
    }

    func testHelpOfEverySubcommandExits0AndMentionsItsOptions() throws {
        let expected: [([String], [String])] = [
            ([], ["key", "init", "sign", "append", "status", "checkpoint", "block", "event", "export", "verify", "reindex", "synth"]),
            (["key"], ["generate", "id"]),
            (["key", "generate"], ["--out", "--algorithm", "ed25519", "p256"]),
            (["key", "id"], ["<FILE>"]),
            (["init"], ["--data", "--name", "--sequencer-key", "--admin-key", "--admin-name", "--time"]),
            (["sign"], ["--key", "--actor", "--ledger"]),
            (["append"], ["--data", "--key", "--actor", "--signed", "--sequencer-key", "--block-size"]),
            (["status"], ["--data", "--json"]),
            (["checkpoint"], ["--data"]),
            (["block"], ["--data", "<height>"]),
            (["event"], ["--data", "<id>"]),
            (["export"], ["--data"]),
            (["verify"], ["--data", "--full", "--trust"]),
            (["reindex"], ["--data"]),
            (["synth"], ["--data", "--out", "--events", "--parties", "--seed"]),
        ]
        for (command, mentions) in expected {
            let r = hadic(command + ["--help"])
            XCTAssertTrue(r.stdout.contains("USAGE: hadic"), "\(command): \(r.stdout)")
            for m in mentions {
                XCTAssertTrue(r.stdout.contains(m), "`hadic \(command.joined(separator: " ")) --help` must mention \(m)")
            }
            XCTAssertTrue(r.stdout.contains("--help"), "\(command)")
        }
        // `hadic help SUB` too.
        let help = hadic(["help", "verify"])
        XCTAssertTrue(help.stdout.contains("--full"), help.stdout)
    }

    func testKeyGenerateWritesAPrivateKeyAndItsPublicKey() throws {
        for algorithm in ["ed25519", "p256"] {
            let file = path("\(algorithm).key")
            let r = hadic(["key", "generate", "--out", file, "--algorithm", algorithm])
            XCTAssertEqual(r.lines.count, 1, r.summary)
            let keyID = r.lines.first ?? ""
            XCTAssertTrue(Hadic.isEventID(keyID), "a key id is 64 lowercase hex digits: \(keyID)")
            XCTAssertEqual(r.stdout, keyID + "\n")

            let attributes = try FileManager.default.attributesOfItem(atPath: file)
            let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
            XCTAssertEqual(mode & 0o777, 0o600, "the private key is readable by its owner only (mode \(String(mode, radix: 8)))")
            XCTAssertTrue(FileManager.default.fileExists(atPath: file + ".pub"))
            let pem = try String(contentsOfFile: file + ".pub", encoding: .utf8)
            XCTAssertTrue(pem.hasPrefix("-----BEGIN PUBLIC KEY-----"), pem)
            XCTAssertTrue((try String(contentsOfFile: file, encoding: .utf8)).hasPrefix("-----BEGIN PRIVATE KEY-----"))

            XCTAssertEqual(hadic(["key", "id", file + ".pub"]).stdout, keyID + "\n")
            XCTAssertEqual(hadic(["key", "id", file]).stdout, keyID + "\n", "the id of the private key is that of its public key")
            let pub = try PublicKey(contentsOf: file + ".pub")
            XCTAssertEqual(pub.keyID, keyID)
            XCTAssertEqual(Hex.encode(SHA256.hash(pub.spkiDER)), keyID, "the key id is SHA-256 of the DER public key")
            XCTAssertEqual(pub.algorithm.rawValue, algorithm)

            // Never overwrite a key.
            let privateBefore = try Data(contentsOf: URL(fileURLWithPath: file))
            let publicBefore = try Data(contentsOf: URL(fileURLWithPath: file + ".pub"))
            let again = hadic(["key", "generate", "--out", file], exit: 2)
            XCTAssertTrue(again.stderr.contains("refusing to overwrite"), again.stderr)
            XCTAssertEqual(again.stderrLines.count, 1, again.stderr)
            XCTAssertEqual(again.stdout, "")
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: file)), privateBefore)
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: file + ".pub")), publicBefore)
        }
        let unreadable = hadic(["key", "id", path("no-such.key")], exit: 2)
        XCTAssertEqual(unreadable.stderrLines.count, 1, unreadable.stderr)
        // Fixture keys: the ids the fixture chain names.
        XCTAssertEqual(hadic(["key", "id", Hadic.key("hcms-admin.key")]).stdout,
                       "923539862523a77fa8dd18cb128e6e8f88d4895d9fdea85ed4123b9041cbfad0\n")
    }
}
