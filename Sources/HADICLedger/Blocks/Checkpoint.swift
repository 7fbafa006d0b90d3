import HADICCore
import HADICCrypto

/// A C2SP tlog-checkpoint body (c2sp.org/tlog-checkpoint): origin line, tree size, base64 root,
/// each ending in a newline, with no extension lines. Signed as a C2SP signed note whose key
/// name is the origin.
public struct Checkpoint: Equatable, Sendable {
    public let origin: String
    public let size: UInt64
    public let root: [UInt8]

    public init(origin: String, size: UInt64, root: [UInt8]) {
        self.origin = origin
        self.size = size
        self.root = root
    }

    public var text: String { "\(origin)\n\(size)\n\(Base64.encode(root))\n" }

    /// Parses a checkpoint body; refuses extension lines and non-canonical numbers.
    public init(parsing text: String) throws(LedgerError) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard text.hasSuffix("\n"), lines.count == 4, lines[3].isEmpty else {
            throw .malformedCheckpoint("expected exactly three lines: origin, size, root")
        }
        guard let size = UInt64(lines[1]), String(size) == lines[1] else { throw .malformedCheckpoint("bad tree size \"\(lines[1])\"") }
        guard let root = Base64.decode(String(lines[2])), root.count == 32 else { throw .malformedCheckpoint("bad root hash") }
        self.init(origin: String(lines[0]), size: size, root: root)
    }

    /// Signs this checkpoint as a note with the sequencer's key, named by the origin.
    public func sign(with key: PrivateKey) throws -> SignedNote {
        try SignedNote.sign(text: text, by: [NoteSigner(name: origin, privateKey: key)])
    }

    /// Parses a signed checkpoint note and checks the sequencer's signature on it.
    public static func verify(signedNote serialized: String, origin: String, sequencerKey: PublicKey) throws(LedgerError) -> Checkpoint {
        let note: SignedNote
        let verifier: NoteVerifier
        do {
            note = try SignedNote(parsing: serialized)
            verifier = try NoteVerifier(name: origin, publicKey: sequencerKey)
        } catch {
            throw .malformedCheckpoint("\(error)")
        }
        guard note.verifiedSignature(by: verifier) != nil else {
            throw .badSignature("checkpoint is not signed by the sequencer key for \(origin)")
        }
        let cp = try Checkpoint(parsing: note.text)
        guard cp.origin == origin else { throw .malformedCheckpoint("origin \(cp.origin) is not \(origin)") }
        return cp
    }
}
