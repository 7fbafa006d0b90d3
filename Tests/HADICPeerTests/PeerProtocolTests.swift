import HADICCore
import HADICCrypto
import HADICPeer
import NIOCore
import NIOEmbedded
import NIOExtras
import XCTest

/// The peer protocol's bytes (docs/PROTOCOL.md): frames, messages and the handshake's proof.
final class PeerProtocolTests: XCTestCase {
    private let ledger = String(repeating: "4a", count: 32)

    private func hello(key: PublicKey, nonce: UInt8 = 7) -> PeerMessage.Hello {
        PeerMessage.Hello(ledgerID: ledger, head: .init(height: 12, treeSize: 5_300, root: [UInt8](repeating: 3, count: 32)),
                          nodeKey: key, nonce: [UInt8](repeating: nonce, count: 32))
    }

    private func allMessages() throws -> [PeerMessage] {
        let key = try PrivateKey.generate(.ed25519).publicKey
        let id = try XCTUnwrap(EventID(hex: String(repeating: "ab", count: 32)))
        return [
            .hello(hello(key: key)),
            .auth(.init(signature: [UInt8](repeating: 9, count: 64))),
            .error(.init(code: "frame-too-large", message: "frame of 20000000 bytes is over the limit")),
            .ping(nonce: 42), .pong(nonce: (1 << 53) - 1),
            .submit([Array(#"{"a":"ü\n"}"#.utf8), Array("{}".utf8)]),
            .receipts([.admitted(eventID: id, leafIndex: 10, blockHeight: 2), .refused(rule: "R-CUSTODY", message: "does not hold it")]),
            .receipts([]),
            .getCheckpoint,
            .checkpoint("example.org/ledger\n5\nAAAA\n\n— example.org/ledger AAAA\n", cosignatures: ""),
            .checkpoint("example.org/ledger\n5\nAAAA\n\n— example.org/ledger AAAA\n", cosignatures: "— witness.example/w1 BBBB\n"),
            .getBlocks(from: 3, max: 100),
            .blocks([.init(header: Array(#"{"height":1}"#.utf8), signature: [1, 2, 3], checkpoint: "cp\n", events: [Array("{}".utf8)])]),
            .blocks([]),
            .announce(.init(height: 1, treeSize: 2, root: [UInt8](repeating: 0, count: 32))),
            .hello(PeerMessage.Hello(kind: .client, ledgerID: ledger, head: .init(height: 0, treeSize: 0, root: [UInt8](repeating: 0, count: 32)),
                                     nodeKey: key, nonce: [UInt8](repeating: 1, count: 32))),
            .getProof(.inclusion(eventID: id, treeSize: nil)), .getProof(.inclusion(eventID: id, treeSize: 7)),
            .getProof(.consistency(from: 3, to: nil)), .getProof(.consistency(from: 0, to: 9)),
            .proof(.init(leafIndex: 4, hashes: [[UInt8](repeating: 5, count: 32)], checkpoint: "cp\n")),
            .proof(.init(leafIndex: nil, hashes: [], checkpoint: "cp\n")),
            .getStatus,
            .status(.init(role: "replica", head: .init(height: 3, treeSize: 30, root: [UInt8](repeating: 2, count: 32)), checkpoint: "cp\n",
                          upstream: ["127.0.0.1:7000"], forks: 1, state: "stopped: fork")),
            .query(.object(["kind": "assess", "lot": "farm/l1", "market": "MY", "format": "text"])),
            .answer(output: "farm/l1 for MY: SUPPORTED\n", status: 0), .answer(output: "", status: 1),
        ]
    }

    func testEveryMessageRoundTripsAndStartsWithItsTypeByte() throws {
        let messages = try allMessages()
        XCTAssertEqual(Set(messages.map(\.kind)), Set(PeerMessage.Kind.allCases), "every kind is exercised")
        for m in messages {
            let payload = m.payload
            XCTAssertEqual(payload.first, m.kind.rawValue)
            XCTAssertEqual(try PeerMessage(payload: payload), m, "\(m.kind.name)")
        }
    }

    func testTheDocumentedBytesOfAPing() throws {
        // docs/PROTOCOL.md: type 0x04, then the body's canonical JSON.
        XCTAssertEqual(PeerMessage.ping(nonce: 42).payload, [0x04] + Array(#"{"nonce":42}"#.utf8))
        XCTAssertEqual(PeerMessage.getCheckpoint.payload, [0x20] + Array("{}".utf8))
        XCTAssertEqual(PeerMessage.getProof(.consistency(from: 3, to: 8)).payload, [0x25] + Array(#"{"consistency":{"from":3,"to":8}}"#.utf8))
        XCTAssertEqual(frame(.ping(nonce: 42)), [0x00, 0x00, 0x00, 0x0d, 0x04, 0x7b, 0x22, 0x6e, 0x6f, 0x6e, 0x63, 0x65, 0x22, 0x3a, 0x34, 0x32, 0x7d])
    }

    func testBadMessagesAreRefusedNamingWhatFailed() throws {
        let key = try PrivateKey.generate(.ed25519).publicKey
        let good = PeerMessage.hello(hello(key: key)).payload
        func refuse(_ payload: [UInt8], _ expected: String, line: UInt = #line) {
            XCTAssertThrowsError(try PeerMessage(payload: payload), line: line) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(error) should say \(expected)", line: line)
            }
        }
        refuse([], "empty frame")
        refuse([0x7f] + Array("{}".utf8), "unknown message type 0x7f")
        refuse([0x04] + Array(#"{ "nonce":42}"#.utf8), "canonical")
        refuse([0x04] + Array(#"{"extra":1,"nonce":42}"#.utf8), "extra: unknown field")
        refuse([0x04] + Array("{}".utf8), "nonce: required field is missing")
        refuse([0x04] + Array(#"{"nonce":-1}"#.utf8), "nonce")
        refuse([0x04] + Array("[]".utf8), "not a JSON object")
        refuse([0x04] + Array("{".utf8), "not JSON")
        let body = String(decoding: good.dropFirst(), as: UTF8.self)
        refuse([0x01] + Array(body.replacingOccurrences(of: #""v":1"#, with: #""v":2"#).utf8), "protocol version 2 is not supported")
        XCTAssertThrowsError(try PeerMessage(payload: [0x01] + Array(body.replacingOccurrences(of: #""v":1"#, with: #""v":2"#).utf8))) {
            XCTAssertEqual(($0 as? PeerProtocolError)?.code, "unsupported-version")
        }
        refuse([0x01] + Array(body.replacingOccurrences(of: ledger, with: "xyz").utf8), "ledger: expected a ledger id")
        refuse([0x22] + Array(#"{"from":0,"max":5000}"#.utf8), "max")
        XCTAssertEqual((try? PeerMessage(payload: [0x7f])).map(\.kind), nil)
        XCTAssertEqual(PeerProtocolError.unknownMessageType(0x7f).code, "unknown-message-type")
    }

    // MARK: Frames, through a NIO pipeline

    private func pipeline(limit: UInt32 = PeerFrameDecoder.defaultLimit) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([
            ByteToMessageHandler(PeerFrameDecoder(limit: limit)),
            LengthFieldPrepender(lengthFieldBitLength: .thirtyTwoBits),
            PeerMessageCodec(),
        ])
        return channel
    }

    private func frame(_ m: PeerMessage) -> [UInt8] {
        let p = m.payload
        return withUnsafeBytes(of: UInt32(p.count).bigEndian, Array.init) + p
    }

    func testFramesSplitAndJoinedAnyHowDecodeToTheirMessages() throws {
        let channel = try pipeline()
        let messages = try allMessages()
        let stream = messages.flatMap(frame)
        // Fed in uneven pieces: frames split across writes and several in one.
        var at = 0, step = 1
        while at < stream.count {
            let end = min(stream.count, at + step)
            var buffer = channel.allocator.buffer(capacity: end - at)
            buffer.writeBytes(stream[at..<end])
            try channel.writeInbound(buffer)
            at = end
            step = step * 3 % 97 + 1
        }
        var received: [PeerMessage] = []
        while let m = try channel.readInbound(as: PeerMessage.self) { received.append(m) }
        XCTAssertEqual(received, messages)
        // Outbound: 4-byte big-endian length, then the payload.
        try channel.writeOutbound(PeerMessage.ping(nonce: 42))
        var out = try XCTUnwrap(try channel.readOutbound(as: ByteBuffer.self))
        var bytes: [UInt8] = []
        while let more = try channel.readOutbound(as: ByteBuffer.self) { out.writeImmutableBuffer(more) }
        bytes = Array(out.readableBytesView)
        XCTAssertEqual(bytes, frame(.ping(nonce: 42)))
        _ = try channel.finish()
    }

    func testAnOversizedFrameIsRefusedFromItsLengthAlone() throws {
        let channel = try pipeline(limit: 1_000)
        var header = channel.allocator.buffer(capacity: 4)
        header.writeInteger(UInt32(1_001))
        XCTAssertThrowsError(try channel.writeInbound(header)) { error in
            XCTAssertEqual(error as? PeerProtocolError, .frameTooLarge(length: 1_001, limit: 1_000))
        }
        let empty = try pipeline()
        var zero = empty.allocator.buffer(capacity: 4)
        zero.writeInteger(UInt32(0))
        XCTAssertThrowsError(try empty.writeInbound(zero)) { XCTAssertEqual($0 as? PeerProtocolError, .emptyFrame) }
    }

    func testAConnectionEndingInsideAFrameIsAnError() throws {
        let channel = try pipeline()
        let bytes = frame(.ping(nonce: 1))
        var partial = channel.allocator.buffer(capacity: 8)
        partial.writeBytes(bytes.prefix(8))
        try channel.writeInbound(partial)
        XCTAssertNil(try channel.readInbound(as: PeerMessage.self))
        XCTAssertThrowsError(try channel.finish()) { error in
            XCTAssertEqual(error as? PeerProtocolError, .truncatedFrame(have: 8, need: bytes.count))
        }
    }

    func testAMalformedMessageInsideAGoodFrameReachesTheHandlerAsAnError() throws {
        let channel = try pipeline()
        var buffer = channel.allocator.buffer(capacity: 16)
        let payload: [UInt8] = [0x7f, 0x7b, 0x7d]
        buffer.writeInteger(UInt32(payload.count))
        buffer.writeBytes(payload)
        XCTAssertThrowsError(try channel.writeInbound(buffer)) { XCTAssertEqual($0 as? PeerProtocolError, .unknownMessageType(0x7f)) }
    }

    // MARK: Handshake

    func testAuthProvesTheKeyForThisConnectionDirectionAndLedgerOnly() throws {
        let a = try PrivateKey.generate(.ed25519), b = try PrivateKey.generate(.ed25519)
        let dialer = hello(key: a.publicKey, nonce: 1), listener = hello(key: b.publicKey, nonce: 2)
        let fromDialer = try PeerAuthentication.auth(role: .dialer, own: dialer, theirs: listener, key: a)
        let fromListener = try PeerAuthentication.auth(role: .listener, own: listener, theirs: dialer, key: b)
        XCTAssertTrue(PeerAuthentication.verify(fromDialer, role: .listener, own: listener, theirs: dialer))
        XCTAssertTrue(PeerAuthentication.verify(fromListener, role: .dialer, own: dialer, theirs: listener))
        // Another connection (a nonce differs), the other direction, another key, another ledger: refused.
        XCTAssertFalse(PeerAuthentication.verify(fromDialer, role: .listener, own: hello(key: b.publicKey, nonce: 3), theirs: dialer))
        XCTAssertFalse(PeerAuthentication.verify(fromListener, role: .listener, own: dialer, theirs: listener), "a listener's proof is not a dialer's")
        XCTAssertFalse(PeerAuthentication.verify(fromDialer, role: .listener, own: listener, theirs: hello(key: b.publicKey, nonce: 1)))
        let otherLedger = PeerMessage.Hello(ledgerID: String(repeating: "00", count: 32), head: listener.head, nodeKey: b.publicKey, nonce: listener.nonce)
        XCTAssertFalse(PeerAuthentication.verify(fromDialer, role: .listener, own: otherLedger, theirs: dialer))
        // Relay: a third party that dials A and B, passing each one's proof to the other, gets
        // listeners' proofs where each side expects a dialer's.
        let toA = hello(key: b.publicKey, nonce: 5), aHello = hello(key: a.publicKey, nonce: 6)
        let toB = hello(key: a.publicKey, nonce: 6), bHello = hello(key: b.publicKey, nonce: 5)
        let bsProof = try PeerAuthentication.auth(role: .listener, own: bHello, theirs: toB, key: b)
        XCTAssertFalse(PeerAuthentication.verify(bsProof, role: .listener, own: aHello, theirs: toA))
        // The bytes signed: domain, role, and the two hellos' hashes, dialer's first.
        XCTAssertEqual(PeerAuthentication.signingInput(role: .dialer, dialerHello: dialer, listenerHello: listener),
                       Array("hadic-peer-auth-v1\ndialer\n".utf8) + SHA256.hash(PeerMessage.hello(dialer).payload) + SHA256.hash(PeerMessage.hello(listener).payload))
    }

    func testAListWithoutItsFieldOrWithNullIsRefused() {
        for body in [#"{}"#, #"{"results":null}"#] {
            XCTAssertThrowsError(try PeerMessage(payload: [0x11] + Array(body.utf8)), body)
        }
        for body in [#"{}"#, #"{"blocks":null}"#, #"{"blocks":[{"checkpoint":"c","header":"h","signature":"AAAA"}]}"#] {
            XCTAssertThrowsError(try PeerMessage(payload: [0x23] + Array(body.utf8)), body)
        }
        XCTAssertThrowsError(try PeerMessage(payload: [0x11] + Array(#"{"results":[{"refused":null}]}"#.utf8)))
        XCTAssertEqual(try PeerMessage(payload: [0x11] + Array(#"{"results":[]}"#.utf8)), .receipts([]))
    }

    func testASessionAddedToAnOpenConnectionStillSpeaksFirst() throws {
        let key = try PrivateKey.generate(.ed25519)
        let channel = EmbeddedChannel()
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        XCTAssertTrue(channel.isActive)
        let session = PeerSession(role: .listener, hello: hello(key: key.publicKey), key: key, accepts: { _ in true })
        try channel.pipeline.syncOperations.addHandlers(PeerSession.handlers(session: session))
        let first = try XCTUnwrap(try channel.readOutbound(as: ByteBuffer.self))
        var all = first
        while let more = try channel.readOutbound(as: ByteBuffer.self) { all.writeImmutableBuffer(more) }
        XCTAssertEqual(Array(all.readableBytesView), frame(.hello(hello(key: key.publicKey))))
        _ = try? channel.finish()
    }
}
