import Foundation
import XCTest
import HADICCrypto
import HADICLedger

final class CheckpointTests: XCTestCase {
    private let origin = "example.org/hadic/test"
    private let root = [UInt8](repeating: 0x22, count: 32)

    func testTextFormat() {
        let cp = Checkpoint(origin: origin, size: 5, root: root)
        let b64 = Data(root).base64EncodedString()
        XCTAssertEqual(b64, "IiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiI=")
        XCTAssertEqual(cp.text, "example.org/hadic/test\n5\n\(b64)\n")
        XCTAssertEqual(Checkpoint(origin: origin, size: 0, root: MerkleHash.emptyRoot).text,
                       "example.org/hadic/test\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n")
    }

    func testParseRoundTrip() throws {
        let cp = Checkpoint(origin: origin, size: 18_446_744_073_709_551_615, root: root)
        XCTAssertEqual(try Checkpoint(parsing: cp.text), cp)
        XCTAssertEqual(try Checkpoint(parsing: "o\n0\n\(Data(root).base64EncodedString())\n").size, 0)
    }

    func testParseRejects() {
        let b64 = Data(root).base64EncodedString()
        let bad: [(String, String)] = [
            ("o\n5\n\(b64)\nextension line\n", "expected exactly three lines"),
            ("o\n5\n\(b64)\n\n", "expected exactly three lines"),
            ("o\n5\n\(b64)", "expected exactly three lines"),
            ("o\n5\n", "expected exactly three lines"),
            ("o\n05\n\(b64)\n", "bad tree size \"05\""),
            ("o\n+5\n\(b64)\n", "bad tree size"),
            ("o\n-1\n\(b64)\n", "bad tree size"),
            ("o\n\n\(b64)\n", "bad tree size"),
            ("o\n5 \n\(b64)\n", "bad tree size"),
            ("o\n18446744073709551616\n\(b64)\n", "bad tree size"),
            ("o\n5\n\(Data(root.dropLast()).base64EncodedString())\n", "bad root hash"),
            ("o\n5\nnot-base64\n", "bad root hash"),
        ]
        for (text, problem) in bad {
            XCTAssertThrowsError(try Checkpoint(parsing: text), text.debugDescription) { error in
                guard case .malformedCheckpoint(let p) = error as? LedgerError else { return XCTFail("\(error)") }
                XCTAssertTrue(p.hasPrefix(problem), "\(text.debugDescription): \(p)")
            }
        }
    }

    func testSignedNoteVerifies() throws {
        let key = try PrivateKey.generate(.ed25519)
        let cp = Checkpoint(origin: origin, size: 5, root: root)
        let note = try cp.sign(with: key)
        XCTAssertEqual(note.text, cp.text)
        XCTAssertTrue(note.serialized.hasPrefix(cp.text + "\n\u{2014} \(origin) "), note.serialized)
        XCTAssertEqual(try Checkpoint.verify(signedNote: note.serialized, origin: origin, sequencerKey: key.publicKey), cp)
    }

    func testSignedNoteFailsWithAnotherKeyOrText() throws {
        let key = try PrivateKey.generate(.ed25519)
        let other = try PrivateKey.generate(.ed25519)
        let note = try Checkpoint(origin: origin, size: 5, root: root).sign(with: key).serialized

        func assertBadSignature(_ serialized: String, _ k: PublicKey, origin o: String? = nil, line: UInt = #line) {
            XCTAssertThrowsError(try Checkpoint.verify(signedNote: serialized, origin: o ?? origin, sequencerKey: k), line: line) { error in
                guard case .badSignature = error as? LedgerError else { return XCTFail("\(error)", line: line) }
            }
        }
        assertBadSignature(note, other.publicKey)
        assertBadSignature(note.replacingOccurrences(of: "\n5\n", with: "\n6\n"), key.publicKey)
        assertBadSignature(note, key.publicKey, origin: "example.org/hadic/other")
        // A note from the right key over a checkpoint that is not three lines is malformed.
        let extended = try SignedNote.sign(text: "\(origin)\n5\n\(Data(root).base64EncodedString())\next\n",
                                           by: [NoteSigner(name: origin, privateKey: key)]).serialized
        XCTAssertThrowsError(try Checkpoint.verify(signedNote: extended, origin: origin, sequencerKey: key.publicKey)) { error in
            guard case .malformedCheckpoint = error as? LedgerError else { return XCTFail("\(error)") }
        }
        // Not a note at all.
        XCTAssertThrowsError(try Checkpoint.verify(signedNote: "garbage", origin: origin, sequencerKey: key.publicKey)) { error in
            guard case .malformedCheckpoint = error as? LedgerError else { return XCTFail("\(error)") }
        }
        // A note signed with the right key under another name whose text names another origin.
        let foreign = try Checkpoint(origin: "elsewhere", size: 5, root: root).sign(with: key).serialized
        XCTAssertThrowsError(try Checkpoint.verify(signedNote: foreign, origin: origin, sequencerKey: key.publicKey)) { error in
            guard case .badSignature = error as? LedgerError else { return XCTFail("\(error)") }
        }
    }
}
