/// A c2sp.org/signed-note note: a text and one or more signature lines.
///
/// Wire form: the text (UTF-8, ending in a newline, possibly with empty lines), one blank
/// line, then 1 to 100 lines `— <key name> <base64(4-byte key hash || signature)>`, each ending
/// in a newline (— is U+2014). No ASCII control character other than newline anywhere.
///
/// Guarantees:
/// - A value always satisfies the rules above, so `serialized` is always parseable, and
///   `SignedNote(parsing: s).serialized == s` byte for byte (base64 must be canonical).
/// - The signed message of every signature is exactly the UTF-8 bytes of `text`.
/// - Parsing checks form only; signatures are checked by `verifiedSignature(by:)` and
///   `verifiedSignatures(by:)`. Signature lines from unknown keys are kept and ignored.
/// - Equality compares the text byte for byte (not by Unicode canonical equivalence).
public struct SignedNote: Hashable, Sendable {
    /// Most signature lines accepted in a note (as in Go's implementation).
    public static let maxSignatures = 100

    /// The note text, including its final newline.
    public let text: String
    /// The signature lines, in order.
    public let signatures: [NoteSignature]

    /// A note from parts; throws `.noteMalformed` if the text is not a valid note text or the
    /// number of signatures is not 1...100.
    public init(text: String, signatures: [NoteSignature]) throws {
        try Self.checkText(text)
        guard !signatures.isEmpty else { throw CryptoError.noteMalformed("a signed note needs at least one signature") }
        guard signatures.count <= Self.maxSignatures else {
            throw CryptoError.noteMalformed("\(signatures.count) signatures, more than \(Self.maxSignatures)")
        }
        self.text = text
        self.signatures = signatures
    }

    /// Signs `text` with each signer, in order. Throws `.noteMalformed` for an invalid text, no
    /// signers, two signers with the same name and key hash, or more than 100 signers.
    public static func sign(text: String, by signers: [NoteSigner]) throws -> SignedNote {
        try checkText(text)
        try checkDistinct(signers)
        return try SignedNote(text: text, signatures: signers.map { try $0.signature(for: text) })
    }

    /// This note with signatures by `signers` added after the existing ones. An existing line
    /// with the same name and key hash as a signer is replaced (as in Go's `note.Sign`).
    public func addingSignatures(by signers: [NoteSigner]) throws -> SignedNote {
        try Self.checkDistinct(signers)
        let kept = signatures.filter { line in !signers.contains { $0.verifier.matches(line) } }
        return try SignedNote(text: text, signatures: kept + signers.map { try $0.signature(for: text) })
    }

    /// Parses the wire form; throws `.noteMalformed` with the reason.
    public init(parsing serialized: String) throws {
        try self.init(validUTF8: Array(serialized.utf8))
    }

    /// Parses the wire form from bytes, which must also be valid UTF-8.
    public init(parsing bytes: [UInt8]) throws {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw CryptoError.noteMalformed("not valid UTF-8")
        }
        try self.init(validUTF8: bytes)
    }

    private init(validUTF8 bytes: [UInt8]) throws {
        let newline = UInt8(ascii: "\n")
        for (offset, byte) in bytes.enumerated() where byte < 0x20 && byte != newline {
            throw CryptoError.noteMalformed("control character 0x\(Hex.encode([byte])) at byte \(offset)")
        }
        // The text ends at the last blank line: find the last "\n\n".
        var split: Int?
        var index = bytes.count - 2
        while index >= 0 {
            if bytes[index] == newline && bytes[index + 1] == newline {
                split = index
                break
            }
            index -= 1
        }
        guard let split else {
            throw CryptoError.noteMalformed("no blank line between text and signatures")
        }
        let block = bytes[(split + 2)...]
        guard let last = block.last else { throw CryptoError.noteMalformed("no signature lines") }
        guard last == newline else { throw CryptoError.noteMalformed("last signature line does not end in a newline") }

        var parsed: [NoteSignature] = []
        var lineStart = block.startIndex
        while lineStart < block.endIndex {
            guard let lineEnd = block[lineStart...].firstIndex(of: newline) else { break }
            if parsed.count == Self.maxSignatures {
                throw CryptoError.noteMalformed("more than \(Self.maxSignatures) signature lines")
            }
            try parsed.append(Self.parseLine(block[lineStart..<lineEnd], number: parsed.count + 1))
            lineStart = lineEnd + 1
        }
        self.text = String(decoding: bytes[...split], as: UTF8.self)
        self.signatures = parsed
    }

    /// The wire form: text, blank line, signature lines.
    public var serialized: String {
        text + "\n" + signatures.map(\.line).joined()
    }

    /// The first signature line from `verifier`'s key (same name and key hash) whose Ed25519
    /// signature over `text` verifies; nil if there is none. If several lines name the key,
    /// all must verify (the spec says a failing signature from a known key should reject the
    /// note), else nil.
    public func verifiedSignature(by verifier: NoteVerifier) -> NoteSignature? {
        var found: NoteSignature?
        for line in signatures where verifier.matches(line) {
            guard isValid(line, by: verifier) else { return nil }
            if found == nil { found = line }
        }
        return found
    }

    /// Checks the note against a set of trusted verifiers and returns the lines that verified,
    /// in note order. Lines from keys not in `verifiers` are ignored. Throws
    /// `.noteUnverified` if a line from a trusted key does not verify, if no trusted key signed,
    /// or if two verifiers share a name and key hash (ambiguous trust configuration).
    public func verifiedSignatures(by verifiers: [NoteVerifier]) throws -> [NoteSignature] {
        var verified: [NoteSignature] = []
        for line in signatures {
            let candidates = verifiers.filter { $0.matches(line) }
            guard let verifier = candidates.first else { continue }
            guard candidates.dropFirst().allSatisfy({ $0 == verifier }) else {
                throw CryptoError.noteUnverified("ambiguous verifiers for key \(line.name)+\(Hex.encode(line.keyHash))")
            }
            guard isValid(line, by: verifier) else {
                throw CryptoError.noteUnverified("invalid signature by key \(line.name)+\(Hex.encode(line.keyHash))")
            }
            if !verified.contains(where: { $0.keyHash == line.keyHash && NoteKeyName.same($0.name, line.name) }) {
                verified.append(line)
            }
        }
        guard !verified.isEmpty else {
            throw CryptoError.noteUnverified("no signature from a trusted key")
        }
        return verified
    }

    private func isValid(_ line: NoteSignature, by verifier: NoteVerifier) -> Bool {
        if let result = text.utf8.withContiguousStorageIfAvailable({
            verifier.publicKey.isValidSignature(line.signature, for: UnsafeRawBufferPointer($0))
        }) {
            return result
        }
        return verifier.publicKey.isValidSignature(line.signature, for: Array(text.utf8))
    }

    public static func == (lhs: SignedNote, rhs: SignedNote) -> Bool {
        lhs.text.utf8.elementsEqual(rhs.text.utf8) && lhs.signatures == rhs.signatures
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(Array(text.utf8))
        hasher.combine(signatures)
    }

    // MARK: - Rules

    /// A note text: non-empty, ends in a newline, no ASCII control characters but newline.
    static func checkText(_ text: String) throws {
        guard text.utf8.last == UInt8(ascii: "\n") else {
            throw CryptoError.noteMalformed("note text must end with a newline")
        }
        for (offset, byte) in text.utf8.enumerated() where byte < 0x20 && byte != UInt8(ascii: "\n") {
            throw CryptoError.noteMalformed("control character 0x\(Hex.encode([byte])) at byte \(offset) of the text")
        }
    }

    private static func checkDistinct(_ signers: [NoteSigner]) throws {
        for (index, signer) in signers.enumerated() {
            for other in signers[..<index] where other.verifier.keyHash == signer.verifier.keyHash
                && NoteKeyName.same(other.name, signer.name) {
                throw CryptoError.noteMalformed("signer \(signer.name)+\(Hex.encode(signer.verifier.keyHash)) given twice")
            }
        }
    }

    /// `— <name> <base64>` (without the newline).
    private static func parseLine(_ line: ArraySlice<UInt8>, number: Int) throws -> NoteSignature {
        let prefix: [UInt8] = [0xE2, 0x80, 0x94, 0x20]  // U+2014 EM DASH, space
        guard line.starts(with: prefix) else {
            throw CryptoError.noteMalformed("signature line \(number) does not start with an em dash and a space")
        }
        let rest = line.dropFirst(prefix.count)
        guard let space = rest.firstIndex(of: UInt8(ascii: " ")) else {
            throw CryptoError.noteMalformed("signature line \(number) has no space between name and signature")
        }
        let name = String(decoding: rest[..<space], as: UTF8.self)
        let encoded = rest[(space + 1)...]
        guard let decoded = Base64.decode(utf8: encoded) else {
            throw CryptoError.noteMalformed("signature line \(number) is not `name base64` with canonical base64")
        }
        guard decoded.count >= 5 else {
            throw CryptoError.noteMalformed("signature line \(number) is shorter than a key hash and a signature")
        }
        do {
            return try NoteSignature(name: name, keyHash: Array(decoded[0..<4]), signature: Array(decoded[4...]))
        } catch CryptoError.noteMalformed(let reason) {
            throw CryptoError.noteMalformed("signature line \(number): \(reason)")
        }
    }
}
