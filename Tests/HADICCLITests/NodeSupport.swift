import Foundation
import HADICCrypto
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A hadicd process started by a test, and the address it listens on.
final class RunningNode {
    let process: HadicProcess
    let port: Int
    let dir: String
    var address: String { "127.0.0.1:\(port)" }

    init(process: HadicProcess, port: Int, dir: String) {
        self.process = process
        self.port = port
        self.dir = dir
    }

    var log: String { process.stderrSoFar }
}

enum NodeHarness {
    /// hadicd is built next to hadic (scripts/test builds both).
    static var daemon: String? {
        guard let hadic = Hadic.binary else { return nil }
        let path = ((hadic as NSString).deletingLastPathComponent as NSString).appendingPathComponent("hadicd")
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    /// A port nothing listens on now (the system's choice for a socket bound to port 0).
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}

/// A TCP client that speaks raw bytes, for sending what no well-behaved peer sends. Every read
/// is bounded by a timeout.
final class RawConnection {
    private let fd: Int32

    init?(port: Int, timeout: TimeInterval = 5) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = UInt16(port).bigEndian
        var tv = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard ok == 0 else { close(fd); return nil }
    }

    deinit { close(fd) }

    /// Sends all of `bytes` (a blocking send may take only part), or stops at the first error
    /// (the other side closed).
    func send(_ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            sent += n
        }
    }

    func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

    /// Everything the other side sends until it closes (nil if it did not close in time).
    func readUntilClosed() -> [UInt8]? {
        var all: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return all }
            if n < 0 { return errno == ECONNRESET ? all : nil }
            all += buffer[0..<n]
        }
    }

    /// Splits bytes into frames: (type, body text).
    static func frames(_ bytes: [UInt8]) -> [(type: UInt8, body: String)] {
        var out: [(UInt8, String)] = []
        var i = 0
        while i + 4 <= bytes.count {
            let length = Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            guard length >= 1, i + 4 + length <= bytes.count else { break }
            out.append((bytes[i + 4], String(decoding: bytes[(i + 5)..<(i + 4 + length)], as: UTF8.self)))
            i += 4 + length
        }
        return out
    }

    static func frame(_ type: UInt8, _ body: String) -> [UInt8] {
        let payload = [type] + Array(body.utf8)
        let n = UInt32(payload.count)
        return [UInt8(n >> 24), UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff)] + payload
    }
}

extension HadicTestCase {
    /// Starts hadicd and waits (bounded) until it says it started.
    func startNode(_ dir: String, port: Int, _ extra: [String] = [], file: StaticString = #filePath, line: UInt = #line) throws -> RunningNode {
        guard let daemon = NodeHarness.daemon else {
            throw HarnessError.missingBinary("hadicd was not built next to hadic (scripts/test builds it: swift build --product hadicd)")
        }
        let p = try HadicProcess(executable: daemon, ["--data", dir, "--listen", "127.0.0.1:\(port)"] + extra)
        let started = HadicProcess.waitUntil(timeout: 30) { p.stderrSoFar.contains("hadicd started") || !p.isRunning }
        XCTAssertTrue(started && p.isRunning, "hadicd did not start: \(p.stderrSoFar)", file: file, line: line)
        return RunningNode(process: p, port: port, dir: dir)
    }

    /// SIGTERM, then the node must exit 0 within the timeout.
    func stopNode(_ node: RunningNode, file: StaticString = #filePath, line: UInt = #line) {
        node.process.sendSignal(SIGTERM)
        let r = node.process.wait(timeout: 30)
        XCTAssertEqual(r.status, 0, "hadicd must exit 0 on SIGTERM: \(r.summary)", file: file, line: line)
        XCTAssertFalse(r.timedOut, file: file, line: line)
    }

    /// `hadic status --node ... --json`, or nil if the node does not answer.
    func nodeStatus(_ node: RunningNode) -> [String: Any]? {
        let r = Hadic.run(["status", "--node", node.address, "--json"], timeout: 30)
        return r.status == 0 ? Hadic.json(r.stdout) : nil
    }

    /// Waits (bounded) until the node's tree holds `size` events.
    @discardableResult
    func waitForTreeSize(_ node: RunningNode, _ size: Int, timeout: TimeInterval = 120, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        var last: Int?
        let reached = HadicProcess.waitUntil(timeout: timeout) {
            last = nodeStatus(node)?["tree_size"] as? Int
            if last == size { return true }
            Thread.sleep(forTimeInterval: 0.2)
            return false
        }
        XCTAssertTrue(reached, "node \(node.address) has tree size \(last.map(String.init) ?? "?"), expected \(size)", file: file, line: line)
        return reached
    }

    /// A key pair for a replica, as files (NAME.key, NAME.key.pub).
    func makeNodeKey(_ name: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        let key = path("\(name).key")
        hadic(["key", "generate", "--out", key], file: file, line: line)
        return key
    }

    /// Registers parties with role `node` for these key files (signed by the fixture admin).
    func registerNodes(_ dir: String, _ nodes: [(party: String, key: String)], file: StaticString = #filePath, line: UInt = #line) {
        let templates = nodes.map { n -> String in
            let pem = (try? String(contentsOfFile: n.key + ".pub", encoding: .utf8)) ?? ""
            let b64 = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
            return "{\"type\":\"party.register\",\"body\":{\"party\":\"\(n.party)\",\"name\":\"\(n.party)\",\"role\":\"node\",\"country\":\"ID\",\"public_key\":\"\(b64)\"}}"
        }
        let r = hadic(["append", "--data", dir, "--key", Hadic.key("hcms-admin.key"), "--actor", "hcms-admin"],
                      stdin: templates.joined(separator: "\n") + "\n", file: file, line: line)
        XCTAssertEqual(r.lines.filter(Hadic.isEventID).count, nodes.count, "node registrations admitted: \(r.summary)", file: file, line: line)
    }

    /// The ids of every stored event, in ledger order (from `hadic export`).
    func storedEventIDs(_ dir: String, file: StaticString = #filePath, line: UInt = #line) -> [String] {
        export(dir, file: file, line: line).split(separator: "\n").compactMap { Hadic.eventID(ofCanonicalEnvelope: String($0)) }
    }
}
