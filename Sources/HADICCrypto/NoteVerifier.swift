/// A trusted signed-note key: name, 4-byte key hash and Ed25519 public key (signature type
/// 0x01 of c2sp.org/signed-note).
///
/// Guarantees: `name` is a valid key name, the key is Ed25519, and `keyHash` is always
/// SHA-256(name || 0x0A || 0x01 || 32-byte public key)[:4], so a value cannot carry a hash that
/// disagrees with its key. `verifierKey` is the `name+hex8+base64(0x01||key)` text form used by
/// Go's golang.org/x/mod/sumdb/note. Equality compares the name byte for byte.
public struct NoteVerifier: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    /// First 4 bytes of SHA-256(name || 0x0A || 0x01 || public key).
    public let keyHash: [UInt8]
    public let publicKey: PublicKey

    /// Throws `.noteMalformed` for an invalid name, `.wrongAlgorithm` for a non-Ed25519 key.
    public init(name: String, publicKey: PublicKey) throws {
        try NoteKeyName.check(name)
        guard let raw = publicKey.rawEd25519 else {
            throw CryptoError.wrongAlgorithm(expected: .ed25519, found: publicKey.algorithm)
        }
        self.name = name
        self.publicKey = publicKey
        self.keyHash = NoteKeyName.ed25519KeyHash(name: name, rawKey: raw)
    }

    /// Parses `name+hex8(keyhash)+base64(0x01 || 32-byte key)` and checks that the hash matches.
    public init(verifierKey: String) throws {
        let bytes = Array(verifierKey.utf8)
        let plus = UInt8(ascii: "+")
        guard let first = bytes.firstIndex(of: plus),
              let second = bytes[(first + 1)...].firstIndex(of: plus) else {
            throw CryptoError.noteMalformed("verifier key is not name+keyhash+key")
        }
        let name = String(decoding: bytes[..<first], as: UTF8.self)
        try NoteKeyName.check(name)
        let hashText = String(decoding: bytes[(first + 1)..<second], as: UTF8.self)
        guard hashText.utf8.count == 8, let hash = Hex.decode(hashText) else {
            throw CryptoError.noteMalformed("verifier key hash \(NoteKeyName.quoted(hashText)) is not 8 hex digits")
        }
        guard let key = Base64.decode(utf8: bytes[(second + 1)...]), !key.isEmpty else {
            throw CryptoError.noteMalformed("verifier key material is not canonical base64")
        }
        guard key[0] == 0x01 else {
            throw CryptoError.unsupportedKeyType("signed-note signature type 0x\(Hex.encode([key[0]])) (only Ed25519, 0x01)")
        }
        guard key.count == 33 else {
            throw CryptoError.noteMalformed("Ed25519 verifier key has \(key.count - 1) key bytes, not 32")
        }
        try self.init(name: name, publicKey: PublicKey(rawEd25519: Array(key[1...])))
        guard keyHash == hash else {
            throw CryptoError.noteMalformed("verifier key hash \(hashText) does not match name and key (expected \(Hex.encode(keyHash)))")
        }
    }

    /// `name+hex8(keyhash)+base64(0x01 || public key)`.
    public var verifierKey: String {
        name + "+" + Hex.encode(keyHash) + "+" + Base64.encode([0x01] + (publicKey.rawEd25519 ?? []))
    }

    /// Whether a signature line names this key (same name bytes and key hash).
    public func matches(_ signature: NoteSignature) -> Bool {
        signature.keyHash == keyHash && NoteKeyName.same(signature.name, name)
    }

    public static func == (lhs: NoteVerifier, rhs: NoteVerifier) -> Bool {
        NoteKeyName.same(lhs.name, rhs.name) && lhs.keyHash == rhs.keyHash && lhs.publicKey == rhs.publicKey
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(Array(name.utf8))
        hasher.combine(publicKey)
    }

    public var description: String { verifierKey }
}
