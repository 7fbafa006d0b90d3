import Foundation
import HADICCrypto
import XCTest
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Support for the end-to-end CLI tests: finding the built `hadic`, running it (and python3 or
// sqlite3 for the attacker's-eye view of the SQLite file) as subprocesses with a timeout, and
// building the fixture ledger.

/// What one finished subprocess did.
struct ProcessResult {
    let command: String
    /// The exit status, or the signal number when `signaled`.
    let status: Int32
    let signaled: Bool
    let timedOut: Bool
    let stdoutData: Data
    let stderrData: Data

    var stdout: String { String(decoding: stdoutData, as: UTF8.self) }
    var stderr: String { String(decoding: stderrData, as: UTF8.self) }
    /// Stdout lines, without the terminators and without empty lines.
    var lines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
    var stderrLines: [String] { stderr.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }

    /// A one-paragraph account for assertion messages.
    var summary: String {
        let status = timedOut ? "TIMED OUT" : signaled ? "killed by signal \(self.status)" : "exit \(self.status)"
        return "`\(command)`: \(status)\n--- stdout (\(stdoutData.count) bytes):\n\(stdout.prefix(2000))\n--- stderr:\n\(stderr.prefix(2000))"
    }
}

/// Thread-safe byte sink for a pipe drained on a background thread.
final class PipeCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private let finished = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                lock.lock()
                data.append(chunk)
                lock.unlock()
            }
            finished.signal()
        }
    }

    var snapshot: Data {
        lock.lock()
        defer { lock.unlock() }
        return data
    }

    /// Waits for end of file (the writer closed the pipe, or died).
    func waitForEOF(timeout: TimeInterval) -> Bool {
        finished.wait(timeout: .now() + timeout) == .success
    }
}

enum HarnessError: Error, CustomStringConvertible {
    case missingBinary(String)
    case cannotStart(String)
    case failed(String)

    var description: String {
        switch self {
        case .missingBinary(let s), .cannotStart(let s), .failed(let s): return s
        }
    }
}

/// One running subprocess. `Hadic.run` is the usual entry point; tests that must
/// interact with a live process (the writer lock, kill -9) use `Hadic.start`.
final class HadicProcess: @unchecked Sendable {
    static let defaultTimeout: TimeInterval = 60

    let command: String
    let process = Process()
    private let stdinPipe: Pipe?
    private let out: PipeCollector
    private let err: PipeCollector
    private let exited: DispatchSemaphore

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }
    var stdoutSoFar: String { String(decoding: out.snapshot, as: UTF8.self) }
    var stderrSoFar: String { String(decoding: err.snapshot, as: UTF8.self) }

    /// Starts `executable args`; stdin is a pipe the caller writes with `writeStdin` when
    /// `interactiveStdin`, else it is `stdin` (or /dev/null).
    init(executable: String, _ args: [String], stdin: Data? = nil, interactiveStdin: Bool = false,
         environment: [String: String] = [:], currentDirectory: String? = nil) throws {
        command = ([(executable as NSString).lastPathComponent] + args).joined(separator: " ")
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = args
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "HADIC_NOW")
        for (k, v) in environment { env[k] = v }
        process.environment = env
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        let outPipe = Pipe()
        let errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        let inPipe: Pipe? = (interactiveStdin || stdin != nil) ? Pipe() : nil
        if let inPipe {
            process.standardInput = inPipe
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        stdinPipe = inPipe
        out = PipeCollector(outPipe.fileHandleForReading)
        err = PipeCollector(errPipe.fileHandleForReading)
        let exitedSignal = DispatchSemaphore(value: 0)
        exited = exitedSignal
        process.terminationHandler = { _ in exitedSignal.signal() }
        do {
            try process.run()
        } catch {
            // Let the collector threads see end of file.
            try? outPipe.fileHandleForWriting.close()
            try? errPipe.fileHandleForWriting.close()
            throw HarnessError.cannotStart("cannot start \(executable): \(error)")
        }
        // Close our copies of the child's ends so that EOF arrives when the child exits.
        try? outPipe.fileHandleForWriting.close()
        try? errPipe.fileHandleForWriting.close()
        if let inPipe {
            try? inPipe.fileHandleForReading.close()
            if let stdin {
                let handle = inPipe.fileHandleForWriting
                Thread.detachNewThread {
                    // The child may exit without reading everything (EPIPE; SIGPIPE is ignored).
                    try? handle.write(contentsOf: stdin)
                    try? handle.close()
                }
            }
        }
    }

    func writeStdin(_ data: Data) throws {
        guard let stdinPipe else { throw HarnessError.failed("stdin of \(command) is not a pipe") }
        try stdinPipe.fileHandleForWriting.write(contentsOf: data)
    }

    func closeStdin() {
        try? stdinPipe?.fileHandleForWriting.close()
    }

    func sendSignal(_ signal: Int32) {
        if process.isRunning { kill(process.processIdentifier, signal) }
    }

    private var finished: ProcessResult?

    /// Waits for the process to exit; kills it (SIGKILL) after `timeout` seconds. Later calls
    /// return the same result.
    func wait(timeout: TimeInterval = HadicProcess.defaultTimeout) -> ProcessResult {
        if let finished { return finished }
        var timedOut = false
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            _ = exited.wait(timeout: .now() + 10)
        }
        process.waitUntilExit()
        _ = out.waitForEOF(timeout: 10)
        _ = err.waitForEOF(timeout: 10)
        closeStdin()
        let result = ProcessResult(command: command, status: process.terminationStatus,
                                   signaled: process.terminationReason == .uncaughtSignal, timedOut: timedOut,
                                   stdoutData: out.snapshot, stderrData: err.snapshot)
        finished = result
        return result
    }

    /// Polls `condition` until it holds or `timeout` passes.
    static func waitUntil(timeout: TimeInterval, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            usleep(10_000)
        }
        return condition()
    }

    static let ignoreSIGPIPE: Bool = { _ = signal(SIGPIPE, SIG_IGN); return true }()
}

/// The `hadic` binary and the repository's fixtures.
enum Hadic {
    /// The package root, from this file's path (Tests/HADICCLITests/HadicProcess.swift).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures: URL = packageRoot.appendingPathComponent("Fixtures")

    static func fixture(_ relative: String) -> String { fixtures.appendingPathComponent(relative).path }
    static func key(_ name: String) -> String { fixture("keys/\(name)") }
    static func fixtureText(_ relative: String) -> String {
        (try? String(contentsOfFile: fixture(relative), encoding: .utf8)) ?? ""
    }

    static var origin: String { fixtureText("chain/origin").trimmingCharacters(in: .whitespacesAndNewlines) }
    static var genesisTime: String { fixtureText("chain/genesis-time").trimmingCharacters(in: .whitespacesAndNewlines) }
    static var ledgerID: String { fixtureText("chain/ledger-id").trimmingCharacters(in: .whitespacesAndNewlines) }
    /// The 53 signed envelopes of the fixture chain, one per line (they are canonical).
    static var chainLines: [String] {
        fixtureText("chain/events.jsonl").split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    /// Where the binary was looked for, in order: the build products directory holding this
    /// test bundle, $HADIC_BIN, then .build/debug/hadic under the package root.
    static let candidates: [String] = {
        var list: [String] = []
        // Linux: `swift test` runs the xctest executable from the products directory, and
        // Bundle.main is that directory. macOS: the .xctest bundle sits in the products directory.
        list.append(Bundle.main.bundleURL.appendingPathComponent("hadic").path)
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            list.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("hadic").path)
        }
        if let env = ProcessInfo.processInfo.environment["HADIC_BIN"], !env.isEmpty { list.append(env) }
        list.append(packageRoot.appendingPathComponent(".build/debug/hadic").path)
        var seen = Set<String>()
        return list.filter { seen.insert($0).inserted }
    }()

    static let binary: String? = candidates.first { path in
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && !isDir.boolValue
            && FileManager.default.isExecutableFile(atPath: path)
    }

    static func requireBinary() throws -> String {
        guard let binary else {
            throw HarnessError.missingBinary(
                "the built `hadic` binary was not found (looked in: \(candidates.joined(separator: ", "))). "
                    + "Build it first (`swift build --product hadic`, with the same --scratch-path as `swift test`) or set HADIC_BIN.")
        }
        return binary
    }

    /// Runs `hadic args` to completion (at most `timeout` seconds, then SIGKILL).
    static func run(_ args: [String], stdin: Data? = nil, environment: [String: String] = [:],
                    timeout: TimeInterval = HadicProcess.defaultTimeout) -> ProcessResult {
        _ = HadicProcess.ignoreSIGPIPE
        let command = (["hadic"] + args).joined(separator: " ")
        guard let binary else {
            return ProcessResult(command: command, status: -1, signaled: false, timedOut: false,
                                 stdoutData: Data(), stderrData: Data("hadic binary not found".utf8))
        }
        do {
            return try HadicProcess(executable: binary, args, stdin: stdin, environment: environment).wait(timeout: timeout)
        } catch {
            return ProcessResult(command: command, status: -1, signaled: false, timedOut: false,
                                 stdoutData: Data(), stderrData: Data("\(error)".utf8))
        }
    }

    static func run(_ args: String..., stdin: String? = nil) -> ProcessResult {
        run(args, stdin: stdin.map { Data($0.utf8) })
    }

    /// Starts `hadic args` with a stdin pipe the caller keeps open.
    static func start(_ args: [String], interactiveStdin: Bool = false) throws -> HadicProcess {
        _ = HadicProcess.ignoreSIGPIPE
        return try HadicProcess(executable: try requireBinary(), args, interactiveStdin: interactiveStdin)
    }

    /// The event id of a canonical signed envelope (docs/FORMATS.md): hex SHA-256 of
    /// `hadic-event-v1\n` + the envelope without its `sig` member. Removing one member from a
    /// canonical (sorted, compact) object leaves it canonical.
    static func eventID(ofCanonicalEnvelope line: String) -> String? {
        guard let start = line.range(of: ",\"sig\":\"") else { return nil }
        guard let end = line[start.upperBound...].firstIndex(of: "\"") else { return nil }
        let unsigned = String(line[..<start.lowerBound]) + String(line[line.index(after: end)...])
        return Hex.encode(SHA256.hash(Array("hadic-event-v1\n".utf8) + Array(unsigned.utf8)))
    }

    static func isEventID(_ s: String) -> Bool {
        s.utf8.count == 64 && s.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// RFC 9162 Merkle tree hash of the given leaves.
    static func merkleRoot(_ leaves: [[UInt8]]) -> [UInt8] {
        func mth(_ slice: ArraySlice<[UInt8]>) -> [UInt8] {
            if slice.isEmpty { return SHA256.hash([]) }
            if slice.count == 1 { return SHA256.hash([0x00] + slice[slice.startIndex]) }
            var k = 1
            while k * 2 < slice.count { k *= 2 }
            let mid = slice.startIndex + k
            return SHA256.hash([0x01] + mth(slice[..<mid]) + mth(slice[mid...]))
        }
        return mth(leaves[...])
    }

    static func json(_ text: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }
}

/// Plain SQL on a ledger file, as an attacker (or an auditor) with file access would run it:
/// through python3's sqlite3 module, else the sqlite3 command. Queries must select blobs
/// through hex() so that both print the same text: one row per line, columns joined by '|',
/// NULL as the empty string.
enum SQL {
    private static let separator = "@@hadic-cli-tests@@"
    private static let python = """
        import sqlite3, sys
        con = sqlite3.connect(sys.argv[1], isolation_level=None)
        if sys.argv[2] == "exec":
            con.executescript(sys.argv[3])
        else:
            for i, sql in enumerate(sys.argv[3:]):
                if i:
                    print("\(separator)")
                for row in con.execute(sql):
                    print("|".join("" if v is None else (v.hex().upper() if isinstance(v, bytes) else str(v)) for v in row))
        con.close()
        """

    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// python3 (resolved past wrappers such as pyenv shims, which cost a shell per call), else sqlite3.
    static let tool: (path: String, isPython: Bool)? = {
        if let p = which("python3") {
            if let probe = try? HadicProcess(executable: p, ["-c", "import sqlite3, sys; print(sys.executable)"]) {
                let r = probe.wait(timeout: 60)
                let real = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                if r.status == 0 && FileManager.default.isExecutableFile(atPath: real) { return (real, true) }
                if r.status == 0 { return (p, true) }
            }
        }
        if let s = which("sqlite3") { return (s, false) }
        return nil
    }()

    static func requireTool() throws {
        guard tool != nil else {
            throw HarnessError.missingBinary("neither python3 (with its sqlite3 module) nor sqlite3 is on PATH; these tests read and tamper with the SQLite file through one of them")
        }
    }

    private static func run(_ db: String, _ args: [String], label: String) -> ProcessResult {
        _ = HadicProcess.ignoreSIGPIPE
        let command = "sql \(db) \(label.prefix(300))"
        guard let tool else {
            return ProcessResult(command: command, status: -1, signaled: false, timedOut: false, stdoutData: Data(),
                                 stderrData: Data("neither python3 nor sqlite3 is on PATH".utf8))
        }
        do {
            let r = try HadicProcess(executable: tool.path, args).wait(timeout: 60)
            return ProcessResult(command: command, status: r.status, signaled: r.signaled, timedOut: r.timedOut,
                                 stdoutData: r.stdoutData, stderrData: r.stderrData)
        } catch {
            return ProcessResult(command: command, status: -1, signaled: false, timedOut: false, stdoutData: Data(),
                                 stderrData: Data("\(error)".utf8))
        }
    }

    /// Runs statements; returns the result (exit 0 on success).
    @discardableResult
    static func exec(_ db: String, _ sql: String) -> ProcessResult {
        guard let tool else { return run(db, [], label: sql) }
        return run(db, tool.isPython ? ["-c", python, db, "exec", sql] : ["-bail", db, sql], label: sql)
    }

    /// Runs SELECTs in one process; the rows of each as text lines.
    static func queries(_ db: String, _ sqls: [String], file: StaticString = #filePath, line: UInt = #line) -> [[String]] {
        guard let tool else {
            XCTFail("neither python3 nor sqlite3 is on PATH", file: file, line: line)
            return sqls.map { _ in [] }
        }
        let args = tool.isPython ? ["-c", python, db, "query"] + sqls
            : ["-bail", db, sqls.joined(separator: ";\nSELECT '\(separator)';\n")]
        let r = run(db, args, label: sqls.joined(separator: "; "))
        XCTAssertEqual(r.status, 0, "query failed: \(r.summary)", file: file, line: line)
        var groups: [[String]] = [[]]
        for row in r.stdout.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) {
            if row == separator { groups.append([]) } else { groups[groups.count - 1].append(row) }
        }
        XCTAssertEqual(groups.count, sqls.count, "one result per query: \(r.summary)", file: file, line: line)
        while groups.count < sqls.count { groups.append([]) }
        return groups
    }

    static func query(_ db: String, _ sql: String, file: StaticString = #filePath, line: UInt = #line) -> [String] {
        queries(db, [sql], file: file, line: line)[0]
    }

    static let dropTriggers = "DROP TRIGGER blocks_no_update; DROP TRIGGER blocks_no_delete; DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;"

    /// Every derived table, each sorted by its key, blobs in hex.
    static let derivedTableQueries: [(table: String, sql: String)] = [
        ("merkle_nodes", "SELECT level, position, hex(hash) FROM merkle_nodes ORDER BY level, position"),
        ("parties", "SELECT id, role, name, registered_by, revoked_by FROM parties ORDER BY id"),
        ("party_keys", "SELECT key_id, party, hex(spki), added_by, retired_by FROM party_keys ORDER BY key_id"),
        ("lots", "SELECT id, kind, product, class, dimension, creator, created_by, recalled_by FROM lots ORDER BY id"),
        ("holdings", "SELECT lot, holder, amount FROM holdings ORDER BY lot, holder"),
        ("containment", "SELECT parent, lot, amount FROM containment ORDER BY parent, lot"),
        ("shipments", "SELECT event_id, sender, recipient, received_by FROM shipments ORDER BY event_id"),
        ("shipment_lines", "SELECT event_id, lot, amount FROM shipment_lines ORDER BY event_id, lot"),
        ("certificates", "SELECT issuer, number, holder, status, valid_from, valid_until, issued_by, status_by FROM certificates ORDER BY issuer, number"),
        ("incidents", "SELECT event_id, lot, resolved_by FROM incidents ORDER BY event_id"),
        ("epcis_event_hashes", "SELECT hash, version, leaf_index, event_id, actor, declared_by FROM epcis_event_hashes ORDER BY hash"),
    ]

    /// The ledger tables, blobs and the (multi-line) checkpoint text in hex.
    static let ledgerTableQueries: [(table: String, sql: String)] = [
        ("blocks", "SELECT height, hex(hash), hex(header), hex(signature), hex(checkpoint) FROM blocks ORDER BY height"),
        ("events", "SELECT leaf_index, hex(id), block, type, actor, time, hex(leaf) FROM events ORDER BY leaf_index"),
    ]

    /// table name -> its rows, in one process.
    static func dump(_ db: String, _ tables: [(table: String, sql: String)],
                     file: StaticString = #filePath, line: UInt = #line) -> [String: [String]] {
        let results = queries(db, tables.map(\.sql), file: file, line: line)
        var dump: [String: [String]] = [:]
        for (t, rows) in zip(tables, results) { dump[t.table] = rows }
        return dump
    }

    static func dumpDerived(_ db: String, file: StaticString = #filePath, line: UInt = #line) -> [String: [String]] {
        dump(db, derivedTableQueries, file: file, line: line)
    }

    /// Every row of blocks, then every row of events.
    static func dumpLedger(_ db: String, file: StaticString = #filePath, line: UInt = #line) -> [String] {
        let d = dump(db, ledgerTableQueries, file: file, line: line)
        return (d["blocks"] ?? []) + (d["events"] ?? [])
    }
}

/// Base class: requires the binary (failing, not skipping, when it is missing), and gives
/// each test its own temporary directory, removed afterwards.
class HadicTestCase: XCTestCase {
    private(set) var scratch: URL!

    override class func setUp() {
        super.setUp()
        print("\(self): hadic under test: \(Hadic.binary ?? "NOT FOUND (looked in \(Hadic.candidates))")")
    }

    override func setUpWithError() throws {
        try super.setUpWithError()
        continueAfterFailure = true
        _ = try Hadic.requireBinary()
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("hadic-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let scratch { try? FileManager.default.removeItem(at: scratch) }
        try super.tearDownWithError()
    }

    func path(_ name: String) -> String { scratch.appendingPathComponent(name).path }

    func write(_ text: String, to name: String) throws -> String {
        let p = path(name)
        try Data(text.utf8).write(to: URL(fileURLWithPath: p))
        return p
    }

    func db(_ dir: String) -> String { (dir as NSString).appendingPathComponent("ledger.sqlite") }

    // MARK: Assertions

    @discardableResult
    func expect(_ r: ProcessResult, exit status: Int32, _ message: String = "",
                file: StaticString = #filePath, line: UInt = #line) -> ProcessResult {
        XCTAssertFalse(r.timedOut, "timed out: \(r.summary)", file: file, line: line)
        XCTAssertFalse(r.signaled, "killed by a signal: \(r.summary)", file: file, line: line)
        XCTAssertEqual(r.status, status, "\(message) \(r.summary)", file: file, line: line)
        return r
    }

    /// `hadic args`, expecting `status`.
    @discardableResult
    func hadic(_ args: [String], stdin: String? = nil, environment: [String: String] = [:], exit status: Int32 = 0,
               file: StaticString = #filePath, line: UInt = #line) -> ProcessResult {
        expect(Hadic.run(args, stdin: stdin.map { Data($0.utf8) }, environment: environment), exit: status, file: file, line: line)
    }

    // MARK: The fixture ledger

    /// `hadic init` with the fixture origin, genesis time and keys; returns the data directory.
    func initFixtureLedger(_ name: String = "ledger", file: StaticString = #filePath, line: UInt = #line) -> String {
        let dir = path(name)
        let r = hadic(["init", "--data", dir, "--name", Hadic.origin, "--time", Hadic.genesisTime,
                       "--sequencer-key", Hadic.key("sequencer.key"),
                       "--admin-key", Hadic.key("hcms-admin.key.pub"), "--admin-name", "hcms-admin"], file: file, line: line)
        XCTAssertEqual(r.stdout, Hadic.ledgerID + "\n", "init must print exactly the fixture ledger id", file: file, line: line)
        return dir
    }

    /// The fixture ledger: init, then Fixtures/chain/events.jsonl appended (53 events).
    func makeFixtureLedger(_ name: String = "ledger", blockSize: Int? = nil,
                           file: StaticString = #filePath, line: UInt = #line) -> String {
        let dir = initFixtureLedger(name, file: file, line: line)
        var args = ["append", "--data", dir, "--signed", Hadic.fixture("chain/events.jsonl")]
        if let blockSize { args += ["--block-size", "\(blockSize)"] }
        let r = hadic(args, file: file, line: line)
        XCTAssertEqual(r.lines.count, 53, "the fixture chain is 53 events", file: file, line: line)
        return dir
    }

    /// A copy of a data directory (no writer may be running on it).
    func copyLedger(_ dir: String, to name: String) throws -> String {
        let target = path(name)
        try FileManager.default.copyItem(atPath: dir, toPath: target)
        return target
    }

    func status(_ dir: String, file: StaticString = #filePath, line: UInt = #line) -> [String: Any] {
        let r = hadic(["status", "--data", dir, "--json"], file: file, line: line)
        guard let obj = Hadic.json(r.stdout) else {
            XCTFail("status --json is not a JSON object: \(r.summary)", file: file, line: line)
            return [:]
        }
        return obj
    }

    func treeSize(_ dir: String, file: StaticString = #filePath, line: UInt = #line) -> Int? {
        status(dir, file: file, line: line)["tree_size"] as? Int
    }

    func export(_ dir: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        hadic(["export", "--data", dir], file: file, line: line).stdout
    }

    /// A fork of the fixture ledger: its first 20 events, then `forkedLots` lots no other copy
    /// has, in blocks of 20: the same ledger id and sequencer key, and from tree size 40 on roots
    /// the fixture chain never had, all signed by the sequencer.
    func fixtureFork(forkedLots: Int, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let dir = initFixtureLedger("fork", file: file, line: line)
        let first = try write(Hadic.chainLines[0..<20].joined(separator: "\n") + "\n", to: "first20.jsonl")
        hadic(["append", "--data", dir, "--signed", first, "--block-size", "20"], file: file, line: line)
        let lots = sign((0..<forkedLots).map { Self.lotCreateTemplate("rempah-madura/fork-\($0)") }, key: "rempah-madura.key", actor: "rempah-madura",
                        file: file, line: line)
        let forked = try write(lots.joined(separator: "\n") + "\n", to: "fork.jsonl")
        hadic(["append", "--data", dir, "--signed", forked, "--block-size", "20"], file: file, line: line)
        XCTAssertEqual(treeSize(dir, file: file, line: line), 20 + forkedLots, file: file, line: line)
        return dir
    }

    /// Signs templates with `hadic sign`; returns the envelopes (one per template).
    func sign(_ templates: [String], key: String, actor: String, file: StaticString = #filePath, line: UInt = #line) -> [String] {
        let r = expect(Hadic.run(["sign", "--key", Hadic.key(key), "--actor", actor, "--ledger", Hadic.ledgerID],
                                 stdin: Data((templates.joined(separator: "\n") + "\n").utf8), timeout: 120),
                       exit: 0, file: file, line: line)
        XCTAssertEqual(r.lines.count, templates.count, "one envelope per template", file: file, line: line)
        return r.lines
    }

    static func lotCreateTemplate(_ lot: String, amount: String = "10", time: String? = "2026-10-20T00:00:00Z") -> String {
        let t = time.map { "\"time\":\"\($0)\"," } ?? ""
        return "{\"type\":\"lot.create\",\(t)\"body\":{\"lot\":\"\(lot)\",\"product\":\"x\",\"class\":\"chili\",\"quantity\":{\"amount\":\"\(amount)\",\"unit\":\"kg\"}}}"
    }
}
