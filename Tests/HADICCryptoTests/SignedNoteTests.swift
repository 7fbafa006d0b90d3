import HADICCrypto
import XCTest

/// Known-answer values from Go's golang.org/x/mod/sumdb/note tests (the PeterNeumann and
/// EnochRoot keys), which follow c2sp.org/signed-note.
enum GoNoteVectors {
    static let peterVerifierKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    static let peterSignerKey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
    static let enochVerifierKey = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
    static let text = "If you think cryptography is the answer to your problem,\n"
        + "then you don't know what your problem is.\n"
    static let peterSig = "\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
    static let enochSig = "\u{2014} EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"
}

final class SignedNoteTests: XCTestCase {
    typealias V = GoNoteVectors

    private func isMalformed(_ error: CryptoError) -> Bool {
        if case .noteMalformed = error { return true }
        return false
    }

    func testGoKnownAnswerSign() throws {
        let signer = try NoteSigner(signerKey: V.peterSignerKey)
        XCTAssertEqual(signer.verifier.verifierKey, V.peterVerifierKey)
        let note = try SignedNote.sign(text: V.text, by: [signer])
        XCTAssertEqual(note.serialized, V.text + "\n" + V.peterSig)
    }

    func testGoKnownAnswerVerify() throws {
        let peter = try NoteVerifier(verifierKey: V.peterVerifierKey)
        let enoch = try NoteVerifier(verifierKey: V.enochVerifierKey)
        let wire = V.text + "\n" + V.peterSig + V.enochSig
        let note = try SignedNote(parsing: wire)
        XCTAssertEqual(note.text, V.text)
        XCTAssertEqual(note.signatures.count, 2)
        XCTAssertEqual(note.serialized, wire)
        XCTAssertEqual(note.verifiedSignature(by: peter)?.name, "PeterNeumann")
        XCTAssertEqual(note.verifiedSignature(by: enoch)?.name, "EnochRoot")
        XCTAssertEqual(note.signatures[0].keyHash, [0xc7, 0x4f, 0x20, 0xa3])
        XCTAssertEqual(try note.verifiedSignatures(by: [peter]).map(\.name), ["PeterNeumann"])
        XCTAssertEqual(try note.verifiedSignatures(by: [peter, enoch]).map(\.name), ["PeterNeumann", "EnochRoot"])
        assertCryptoError(try note.verifiedSignatures(by: [])) {
            if case .noteUnverified = $0 { return true }; return false
        }

        let changedText = try SignedNote(parsing: wire.replacingOccurrences(of: "cryptography", with: "cryptographY"))
        XCTAssertNil(changedText.verifiedSignature(by: peter))
        XCTAssertNil(changedText.verifiedSignature(by: enoch))
        assertCryptoError(try changedText.verifiedSignatures(by: [peter])) {
            if case .noteUnverified = $0 { return true }; return false
        }
    }

    func testModifiedSignatureFails() throws {
        let peter = try NoteVerifier(verifierKey: V.peterVerifierKey)
        // As in Go's test: 3 extra bytes in the middle of the signature.
        let index = V.peterSig.index(V.peterSig.startIndex, offsetBy: 60)
        let longer = String(V.peterSig[..<index]) + "ABCD" + String(V.peterSig[index...])
        let note = try SignedNote(parsing: V.text + "\n" + longer)
        XCTAssertNil(note.verifiedSignature(by: peter))
        // Same length, one bit flipped in the Ed25519 signature.
        var bytes = try XCTUnwrap(Base64.decode("x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="))
        bytes[20] ^= 0x04
        let flipped = try SignedNote(parsing: V.text + "\n\u{2014} PeterNeumann " + Base64.encode(bytes) + "\n")
        XCTAssertNil(flipped.verifiedSignature(by: peter))
        // A good line followed by a bad line from the same key: rejected.
        let mixed = try SignedNote(parsing: V.text + "\n" + V.peterSig + "\u{2014} PeterNeumann " + Base64.encode(bytes) + "\n")
        XCTAssertNil(mixed.verifiedSignature(by: peter))
        assertCryptoError(try mixed.verifiedSignatures(by: [peter])) {
            if case .noteUnverified = $0 { return true }; return false
        }
    }

    func testRoundTripWithGeneratedKeys() throws {
        let key = try PrivateKey.generate(.ed25519)
        let signer = try NoteSigner(name: "log.example/hadic", privateKey: key)
        let text = "hadic checkpoint\n42\nAAAA\n\nline after an empty line\n"
        let note = try SignedNote.sign(text: text, by: [signer])
        let parsed = try SignedNote(parsing: note.serialized)
        XCTAssertEqual(parsed, note)
        XCTAssertEqual(parsed.text, text)
        XCTAssertEqual(parsed.serialized, note.serialized)
        XCTAssertEqual(parsed.verifiedSignature(by: signer.verifier), note.signatures[0])
        XCTAssertEqual(try SignedNote(parsing: Array(note.serialized.utf8)), note)

        // Wrong key under the same name; same key under another name.
        let otherKey = try NoteVerifier(name: "log.example/hadic", publicKey: PrivateKey.generate(.ed25519).publicKey)
        XCTAssertNil(parsed.verifiedSignature(by: otherKey))
        let otherName = try NoteVerifier(name: "log.example/other", publicKey: key.publicKey)
        XCTAssertNil(parsed.verifiedSignature(by: otherName))
        assertCryptoError(try parsed.verifiedSignatures(by: [otherKey, otherName])) {
            if case .noteUnverified = $0 { return true }; return false
        }
    }

    func testTextEndingInEmptyLinesRoundTrips() throws {
        let signer = try NoteSigner(name: "n", privateKey: PrivateKey.generate(.ed25519))
        for text in ["\n", "a\n\n", "a\n\n\n", "\n\nb\n"] {
            let note = try SignedNote.sign(text: text, by: [signer])
            let parsed = try SignedNote(parsing: note.serialized)
            XCTAssertEqual(parsed.text, text)
            XCTAssertNotNil(parsed.verifiedSignature(by: signer.verifier))
        }
    }

    func testCosigning() throws {
        let log = try NoteSigner(name: "log", privateKey: PrivateKey.generate(.ed25519))
        let witness = try NoteSigner(name: "witness", privateKey: PrivateKey.generate(.ed25519))
        let note = try SignedNote.sign(text: "tree 7\n", by: [log])
        let cosigned = try SignedNote(parsing: note.serialized).addingSignatures(by: [witness])
        XCTAssertEqual(cosigned.signatures.map(\.name), ["log", "witness"])
        XCTAssertEqual(try cosigned.verifiedSignatures(by: [log.verifier, witness.verifier]).count, 2)
        // Re-signing by an existing key replaces its line.
        let again = try cosigned.addingSignatures(by: [log])
        XCTAssertEqual(again.signatures.map(\.name), ["witness", "log"])
        assertCryptoError(try SignedNote.sign(text: "x\n", by: [log, log]), isMalformed)
        assertCryptoError(try SignedNote.sign(text: "x\n", by: []), isMalformed)
    }

    func testCanonicallyEquivalentTextsAreDifferentNotes() throws {
        let signer = try NoteSigner(name: "n", privateKey: PrivateKey.generate(.ed25519))
        let composed = "caf\u{E9}\n"
        let decomposed = "cafe\u{301}\n"
        XCTAssertEqual(composed, decomposed, "Swift String == uses canonical equivalence")
        let a = try SignedNote.sign(text: composed, by: [signer])
        let b = try SignedNote.sign(text: decomposed, by: [signer])
        XCTAssertNotEqual(a, b)
        let forged = try SignedNote(text: decomposed, signatures: a.signatures)
        XCTAssertNil(forged.verifiedSignature(by: signer.verifier))
        // Same signature lines, texts differing only in Unicode normalisation: different notes.
        XCTAssertNotEqual(forged, a)
        XCTAssertEqual(Set([forged, a]).count, 2)
        XCTAssertNotEqual(forged.serialized.utf8.count, a.serialized.utf8.count)
    }

    func testMalformedNotesAreRejected() throws {
        let bad: [String] = [
            V.text,
            V.text + "\n",
            V.text + "\n" + String(V.peterSig.dropLast()),
            "\u{01}" + V.text + "\n" + V.peterSig,
            V.text + "\n" + "\u{2014} Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
            V.text + "\n" + "\u{2014} Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
            V.text + "\n" + V.peterSig + "Unexpected line.\n",
            V.text + "\n" + V.peterSig.replacingOccurrences(of: "\u{2014}", with: "-"),
            V.text + "\n" + V.peterSig.replacingOccurrences(of: "nAM=", with: "nAN="),  // non-canonical base64
            V.text + "\n" + V.peterSig.replacingOccurrences(of: "nAM=", with: "nAM"),
            V.text + "\n" + "\u{2014} PeterNeumann AAAA\n",  // shorter than key hash + 1 byte
            V.text + "\n" + "\u{2014} PeterNeumann\n",
            V.text + "\n" + "\u{2014} Peter+Neumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
            V.text.replacingOccurrences(of: "answer", with: "ans\twer") + "\n" + V.peterSig,
            V.text + "\n" + V.peterSig.replacingOccurrences(of: "\n", with: "\r\n"),
        ]
        for (index, wire) in bad.enumerated() {
            assertCryptoError(try SignedNote(parsing: wire), isMalformed)
            XCTAssertThrowsError(try SignedNote(parsing: Array(wire.utf8)), "case \(index)")
        }
        // Invalid UTF-8 can only arrive as bytes.
        assertCryptoError(try SignedNote(parsing: [0xFF] + Array((V.text + "\n" + V.peterSig).utf8)), isMalformed)
    }

    func testSignatureLineLimit() throws {
        let peter = try NoteVerifier(verifierKey: V.peterVerifierKey)
        let hundred = try SignedNote(parsing: V.text + "\n" + String(repeating: V.peterSig, count: 100))
        XCTAssertEqual(hundred.signatures.count, 100)
        XCTAssertNotNil(hundred.verifiedSignature(by: peter))
        assertCryptoError(try SignedNote(parsing: V.text + "\n" + String(repeating: V.peterSig, count: 101)), isMalformed)
    }

    func testTextRulesWhenSigning() throws {
        let signer = try NoteSigner(name: "n", privateKey: PrivateKey.generate(.ed25519))
        for text in ["", "no newline", "bell\u{07}\n", "cr\r\n"] {
            assertCryptoError(try SignedNote.sign(text: text, by: [signer]), isMalformed)
        }
        XCTAssertNoThrow(try SignedNote.sign(text: "DEL \u{7F} is allowed by the spec\n", by: [signer]))
    }
}

final class SignedNoteErrorMessageTests: XCTestCase {
    func testMalformedLineNamesLineAndReason() {
        let wire = GoNoteVectors.text + "\n" + GoNoteVectors.peterSig + "\u{2014} a+b AAAAAAA=\n"
        XCTAssertThrowsError(try SignedNote(parsing: wire)) { error in
            XCTAssertEqual(
                (error as? CryptoError)?.description,
                "malformed signed note: signature line 2: key name \"a+b\" contains '+'"
            )
        }
    }
}
