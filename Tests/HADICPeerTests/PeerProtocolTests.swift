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
            .checkpoint("example.org/ledger\n5\nAAAA\n\n— example.org/ledger AAAA\n"),
            .getBlocks(from: 3, max: 100),
            .blocks([.init(header: Array(#"{"height":1}"#.utf8), signature: [1, 2, 3], checkpoint: "cp\n", events: [Array("{}".utf8)])]),
            .blocks([]),
            .announce(.init(height: 1, treeSize: 2, root: [UInt8](repeating: 0, count: 32))),
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

    func testAuthProvesTheKeyForThisConnectionAndLedgerOnly() throws {
        let a = try PrivateKey.generate(.ed25519), b = try PrivateKey.generate(.ed25519)
        let helloA = hello(key: a.publicKey, nonce: 1), helloB = hello(key: b.publicKey, nonce: 2)
        let authA = try PeerAuthentication.auth(answering: helloB, own: helloA, key: a)
        XCTAssertTrue(PeerAuthentication.verify(authA, from: helloA, answering: helloB))
        // Replayed on another connection (B's nonce differs), claimed for another key, or another ledger: refused.
        XCTAssertFalse(PeerAuthentication.verify(authA, from: helloA, answering: hello(key: b.publicKey, nonce: 3)))
        XCTAssertFalse(PeerAuthentication.verify(authA, from: hello(key: b.publicKey, nonce: 1), answering: helloB))
        let otherLedger = PeerMessage.Hello(ledgerID: String(repeating: "00", count: 32), head: helloB.head, nodeKey: b.publicKey, nonce: helloB.nonce)
        XCTAssertFalse(PeerAuthentication.verify(authA, from: helloA, answering: otherLedger))
        XCTAssertEqual(PeerAuthentication.signingInput(ledgerID: ledger, theirNonce: [1], ownNonce: [2]),
                       Array("hadic-peer-auth-v1\n".utf8) + Array(ledger.utf8) + [1, 2])
    }
}
