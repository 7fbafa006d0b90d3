/// One signature line of a signed note: `— name base64(keyHash || signature)`.
///
/// Guarantees: `name` is a valid key name, `keyHash` is 4 bytes and `signature` is at least one
/// byte, so `line` is always a well-formed signature line. It says nothing about validity:
/// only `SignedNote.verifiedSignature(by:)` checks a signature. Equality compares the name
/// byte for byte.
public struct NoteSignature: Hashable, Sendable {
    public let name: String
    /// The 4-byte key ID (big-endian uint32) identifying the signing key.
    public let keyHash: [UInt8]
    /// The signature bytes after the key ID (64 bytes for Ed25519).
    public let signature: [UInt8]

    public init(name: String, keyHash: [UInt8], signature: [UInt8]) throws {
        try NoteKeyName.check(name)
        guard keyHash.count == 4 else {
            throw CryptoError.noteMalformed("key hash of \(keyHash.count) bytes, not 4")
        }
        guard !signature.isEmpty else { throw CryptoError.noteMalformed("empty signature") }
        self.name = name
        self.keyHash = keyHash
        self.signature = signature
    }

    /// The signature line, ending in a newline.
    public var line: String {
        "\u{2014} " + name + " " + Base64.encode(keyHash + signature) + "\n"
    }

    public static func == (lhs: NoteSignature, rhs: NoteSignature) -> Bool {
        NoteKeyName.same(lhs.name, rhs.name) && lhs.keyHash == rhs.keyHash && lhs.signature == rhs.signature
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(Array(name.utf8))
        hasher.combine(keyHash)
        hasher.combine(signature)
    }
}
