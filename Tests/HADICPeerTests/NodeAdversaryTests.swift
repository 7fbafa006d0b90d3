import Foundation
import HADICCore
import HADICLedger
import HADICCrypto
import HADICPeer
import NIOCore
import NIOPosix
import XCTest

/// Peers that misbehave towards the built hadicd (a fake node on SwiftNIO, real processes on
/// 127.0.0.1): a genuine block at the wrong height, or the head block with an extra signature
/// line on its checkpoint, is not taken for a fork; a client that does not read its answers
/// cannot make the node buffer without bound; a request after one answered not-found is still
/// answered in turn. (The hadic and hadicd binaries are scripts/test's debug build.)
final class NodeAdversaryTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let bin = ProcessInfo.processInfo.environment["HADIC_BIN"].map { ($0 as NSString).deletingLastPathComponent } ?? root + "/.build/debug"
    static func fixture(_ p: String) -> String { root + "/Fixtures/" + p }
    static func text(_ p: String) -> String { ((try? String(contentsOfFile: fixture(p), encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }

    var tmp: String!
    var procs: [Process] = []
    override func setUp() {
        tmp = NSTemporaryDirectory() + "hadic-adversary-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
    }
    override func tearDown() {
        for p in procs where p.isRunning { p.terminate(); p.waitUntilExit() }
        try? FileManager.default.removeItem(atPath: tmp)
    }

    @discardableResult
    func run(_ exe: String, _ args: [String], stdin: String? = nil) throws -> (Int32, String, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        if let stdin { let i = Pipe(); p.standardInput = i; try p.run(); i.fileHandleForWriting.write(Data(stdin.utf8)); try i.fileHandleForWriting.close() } else { try p.run() }
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    func daemon(_ args: [String], log: String) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.bin + "/hadicd")
        p.arguments = args
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        p.standardError = h; p.standardOutput = h
        try p.run()
        procs.append(p)
        return p
    }

    /// `daemon`, then waits (bounded) until its log says it started.
    @discardableResult
    func startedDaemon(_ args: [String], log: String, file: StaticString = #filePath, line: UInt = #line) throws -> Process {
        let p = try daemon(args, log: log)
        XCTAssertTrue(waitFor(30) { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("hadicd started") },
                      "hadicd did not start", file: file, line: line)
        return p
    }

    /// The fixture ledger (53 events) in `dir`, made by the built hadic.
    func makeFixtureLedger(_ dir: String, blockSize: Int? = nil) throws {
        let r = try run(Self.bin + "/hadic", ["init", "--data", dir, "--name", Self.text("chain/origin"), "--time", Self.text("chain/genesis-time"),
                                              "--sequencer-key", Self.fixture("keys/sequencer.key"), "--admin-key", Self.fixture("keys/hcms-admin.key.pub"), "--admin-name", "hcms-admin"])
        XCTAssertEqual(r.0, 0, r.2)
        let a = try run(Self.bin + "/hadic", ["append", "--data", dir, "--signed", Self.fixture("chain/events.jsonl")] + (blockSize.map { ["--block-size", "\($0)"] } ?? []))
        XCTAssertEqual(a.0, 0, a.2)
    }

    /// A client's connection to a node (a key made for it; any node key accepted).
    func clientConnection(port: Int, group: EventLoopGroup) throws -> PeerConnection {
        try PeerConnection.connectAsClient(host: "127.0.0.1", port: port, group: group).wait()
    }

    func waitFor(_ timeout: TimeInterval, _ cond: () -> Bool) -> Bool {
        let d = Date().addingTimeInterval(timeout)
        while Date() < d { if cond() { return true }; Thread.sleep(forTimeInterval: 0.1) }
        return cond()
    }

    func freePort() -> Int {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        guard let ch = try? ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 0).wait() else { return 0 }
        let port = ch.localAddress?.port ?? 0
        try? ch.close().wait()
        return port
    }

    /// Serves canned answers to get-blocks after the handshake.
    final class FakeNode: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = PeerMessage
        typealias OutboundOut = PeerMessage
        let answer: @Sendable (UInt64, Int) -> [PeerMessage.WireBlock]
        init(answer: @escaping @Sendable (UInt64, Int) -> [PeerMessage.WireBlock]) { self.answer = answer }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .getBlocks(let from, let max): context.writeAndFlush(wrapOutboundOut(.blocks(answer(from, max))), promise: nil)
            case .getCheckpoint: context.writeAndFlush(wrapOutboundOut(.error(.init(code: "not-found", message: "x"))), promise: nil)
            default: break
            }
        }
    }

    func testAGenuineBlockAtAnotherHeightIsNotTakenForAFork() throws {
        try forkScenario { real, from, max in
            if from == 0 && max == 1 { return [real[0]] }
            return [real[Int(from) + 1]]  // one height off: a genuine block, but not the one asked for
        }
    }

    func testAnExtraSignatureLineOnTheHeadCheckpointIsNotTakenForAFork() throws {
        try forkScenario { real, from, max in
            if from == 0 && max == 1 { return [real[0]] }
            let b = real[Int(from)]
            let extra = "\u{2014} someone " + Base64.encode((0..<68).map { _ in UInt8.random(in: 0...255) }) + "\n"
            // The same header and header signature; the checkpoint still carries the sequencer's signature.
            return [PeerMessage.WireBlock(header: b.header, signature: b.signature, checkpoint: b.checkpoint + extra, events: b.events)]
        }
    }

    func forkScenario(_ serve: @escaping @Sendable ([PeerMessage.WireBlock], UInt64, Int) -> [PeerMessage.WireBlock]) throws {
        let ledgerID = Self.text("chain/ledger-id")
        let seqDir = tmp + "/seq"
        try makeFixtureLedger(seqDir, blockSize: 20)

        // Take the genuine blocks from the real sequencer, as any client may.
        let seqPort = freePort()
        let seq = try startedDaemon(["--data", seqDir, "--listen", "127.0.0.1:\(seqPort)"], log: tmp + "/seq.log")
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let c = try clientConnection(port: seqPort, group: group)
        guard case .blocks(let real) = try c.request(.getBlocks(from: 0, max: 10)).wait() else { return XCTFail("no blocks") }
        XCTAssertGreaterThanOrEqual(real.count, 2)
        c.close()
        seq.terminate(); seq.waitUntilExit()

        // The fake peer: genesis when asked for it, then block 1 where block 0 is expected.
        let fakeKey = try PrivateKey.generate(.ed25519)
        let fakePort = freePort()
        let server = try ServerBootstrap(group: group).childChannelInitializer { ch in
            let hello = PeerMessage.Hello(kind: .node, ledgerID: ledgerID, head: .init(height: 9, treeSize: 99, root: [UInt8](repeating: 1, count: 32)),
                                          nodeKey: fakeKey.publicKey, nonce: PeerSession.nonce())
            let session = PeerSession(role: .listener, hello: hello, key: fakeKey, accepts: { _ in true })
            let fake = FakeNode { from, max in serve(real, from, max) }
            return ch.eventLoop.makeCompletedFuture { try ch.pipeline.syncOperations.addHandlers(PeerSession.handlers(session: session) + [fake]) }
        }.bind(host: "127.0.0.1", port: fakePort).wait()
        defer { try? server.close().wait() }

        let nodeKey = tmp + "/r.key"
        XCTAssertEqual(try run(Self.bin + "/hadic", ["key", "generate", "--out", nodeKey]).0, 0)
        let rDir = tmp + "/r1", rLog = tmp + "/r1.log"
        let replica = try daemon(["--data", rDir, "--listen", "127.0.0.1:\(freePort())", "--node-key", nodeKey, "--ledger", ledgerID, "--peer", "127.0.0.1:\(fakePort)"], log: rLog)
        let forked = waitFor(8) { ((try? String(contentsOfFile: rLog, encoding: .utf8)) ?? "").contains("FORK") }
        replica.terminate(); replica.waitUntilExit()
        let log = (try? String(contentsOfFile: rLog, encoding: .utf8)) ?? ""
        let ev = try run(Self.bin + "/hadic", ["evidence", "--data", rDir])
        XCTAssertTrue(log.contains("took genesis from peer"), "the replica did talk to the fake peer: \(log)")
        XCTAssertFalse(forked, "no equivocation happened: no fork evidence")
        XCTAssertEqual(ev.0, 0, "hadic evidence finds no fork: \(ev.1)")
    }

    func rss(_ pid: Int32) -> Int {
        let t = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = t.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }

    /// A client that pipelines reads and never reads the answers makes the node buffer them all.
    func testANodeStopsReadingAClientThatDoesNotReadItsAnswers() throws {
        let seqDir = tmp + "/seq"
        try makeFixtureLedger(seqDir)
        let seqPort = freePort()
        let seq = try startedDaemon(["--data", seqDir, "--listen", "127.0.0.1:\(seqPort)"], log: tmp + "/seq.log")
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let c = try clientConnection(port: seqPort, group: group)
        guard case .blocks(let one) = try c.request(.getBlocks(from: 0, max: 1000)).wait() else { return XCTFail() }
        var answerBytes = 0
        for b in one {
            answerBytes += b.header.count + b.checkpoint.utf8.count
            for e in b.events { answerBytes += e.count }
        }
        try c.channel.setOption(ChannelOptions.autoRead, value: false).wait()
        Thread.sleep(forTimeInterval: 0.5)
        let before = rss(seq.processIdentifier)
        let n = 3000
        for _ in 0..<n { c.channel.write(PeerMessage.getBlocks(from: 0, max: 1000), promise: nil) }
        c.channel.flush()
        var after = before
        _ = waitFor(15) { after = self.rss(seq.processIdentifier); return after - before > n * answerBytes / 1024 / 2 }
        Thread.sleep(forTimeInterval: 2)
        after = rss(seq.processIdentifier)
        XCTAssertLessThan(after - before, 50_000, "the node stops reading a client that leaves its answers unread")
        c.close()
    }

    /// A request pipelined after one that gets an error answer is still carried out (here: its
    /// events are sealed) while the client is told it was refused.
    func testARequestAfterOneAnsweredNotFoundIsStillAnsweredInTurn() throws {
        let seqDir = tmp + "/seq"
        try makeFixtureLedger(seqDir)
        let template = "{\"type\":\"lot.create\",\"time\":\"2026-10-20T00:00:00Z\",\"body\":{\"lot\":\"rempah-madura/after-not-found-1\",\"product\":\"x\",\"class\":\"chili\",\"quantity\":{\"amount\":\"10\",\"unit\":\"kg\"}}}"
        let signed = try run(Self.bin + "/hadic", ["sign", "--key", Self.fixture("keys/rempah-madura-2.key"), "--actor", "rempah-madura", "--ledger", Self.text("chain/ledger-id")], stdin: template + "\n")
        XCTAssertEqual(signed.0, 0, signed.2)
        let leaf = Array(signed.1.trimmingCharacters(in: .whitespacesAndNewlines).utf8)
        let id = try EventEnvelope.parse(leaf).id

        let seqPort = freePort()
        try startedDaemon(["--data", seqDir, "--listen", "127.0.0.1:\(seqPort)", "--block-max-delay-ms", "200", "--log-level", "debug"], log: tmp + "/seq.log")
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        func connect() throws -> PeerConnection { try clientConnection(port: seqPort, group: group) }
        let c = try connect()
        let missing = try XCTUnwrap(EventID(hex: String(repeating: "0", count: 64)))
        let proof = c.request(.getProof(.inclusion(eventID: missing, treeSize: nil)))
        let submit = c.request(.submit([leaf]))
        let proofResult = Result { try proof.wait() }
        let submitResult = Result { try submit.wait() }
        Thread.sleep(forTimeInterval: 1)
        let c2 = try connect()
        let stored = Result { try c2.request(.getProof(.inclusion(eventID: id, treeSize: nil))).wait() }
        let again = Result { try c2.request(.submit([leaf])).wait() }
        guard case .failure(PeerClientError.refused(let code, _)) = proofResult else { return XCTFail("the missing event is not-found: \(proofResult)") }
        XCTAssertEqual(code, "not-found")
        guard case .success(.receipts(let receipts)) = submitResult, case .admitted(let admitted, _, _)? = receipts.first else {
            return XCTFail("the submit after it is answered with its receipt: \(submitResult)")
        }
        XCTAssertEqual(admitted, id)
        guard case .success(.proof) = stored else { return XCTFail("the event is stored: \(stored)") }
        guard case .success(.receipts(let second)) = again, case .refused(let rule, _)? = second.first else { return XCTFail("\(again)") }
        XCTAssertEqual(rule, "duplicate")
    }
}

/// A dialer that refuses the node it reached says why (not merely that the connection closed).
final class DialerRefusalTests: XCTestCase {
    func testADialerThatRefusesTheNodeReportsWhy() throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let ledger = String(repeating: "4a", count: 32)
        let lk = try PrivateKey.generate(.ed25519), dk = try PrivateKey.generate(.ed25519)
        func hello(_ k: PrivateKey) -> PeerMessage.Hello { PeerMessage.Hello(ledgerID: ledger, head: .init(height: 0, treeSize: 0, root: [UInt8](repeating: 0, count: 32)), nodeKey: k.publicKey, nonce: PeerSession.nonce()) }
        let server = try ServerBootstrap(group: group).childChannelInitializer { ch in
            let s = PeerSession(role: .listener, hello: hello(lk), key: lk, accepts: { _ in true })
            return ch.eventLoop.makeCompletedFuture { try ch.pipeline.syncOperations.addHandlers(PeerSession.handlers(session: s)) }
        }.bind(host: "127.0.0.1", port: 0).wait()
        defer { try? server.close().wait() }
        let port = try XCTUnwrap(server.localAddress?.port)
        let r = Result { try PeerConnection.connect(host: "127.0.0.1", port: port, group: group, introduction: .hello(hello(dk)), key: dk, accepts: { _ in false }).wait() }
        guard case .failure(PeerClientError.refused(let code, _)) = r else { return XCTFail("\(r)") }
        XCTAssertEqual(code, "unknown-node")
    }
}
