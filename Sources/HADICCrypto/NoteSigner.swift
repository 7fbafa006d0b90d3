/// A key that signs c2sp.org/signed-note notes: a name and an Ed25519 private key.
///
/// Guarantees: the key is Ed25519 and `verifier` is the matching `NoteVerifier` (same name,
/// key hash and public key), so anything this signer signs verifies with `verifier`.
public struct NoteSigner: Sendable, CustomStringConvertible {
    public let verifier: NoteVerifier
    let privateKey: PrivateKey

    /// Throws `.noteMalformed` for an invalid name, `.wrongAlgorithm` for a non-Ed25519 key.
    public init(name: String, privateKey: PrivateKey) throws {
        guard privateKey.algorithm == .ed25519 else {
            throw CryptoError.wrongAlgorithm(expected: .ed25519, found: privateKey.algorithm)
        }
        self.verifier = try NoteVerifier(name: name, publicKey: privateKey.publicKey)
        self.privateKey = privateKey
    }

    /// Parses Go's signer key text `PRIVATE+KEY+name+hex8(keyhash)+base64(0x01 || 32-byte seed)`
    /// and checks that the hash matches the derived public key.
    public init(signerKey: String) throws {
        let prefix = "PRIVATE+KEY+"
        guard signerKey.hasPrefix(prefix) else {
            throw CryptoError.noteMalformed("signer key does not start with PRIVATE+KEY+")
        }
        let bytes = Array(signerKey.utf8.dropFirst(prefix.utf8.count))
        let plus = UInt8(ascii: "+")
        guard let first = bytes.firstIndex(of: plus),
              let second = bytes[(first + 1)...].firstIndex(of: plus) else {
            throw CryptoError.noteMalformed("signer key is not PRIVATE+KEY+name+keyhash+key")
        }
        let name = String(decoding: bytes[..<first], as: UTF8.self)
        let hashText = String(decoding: bytes[(first + 1)..<second], as: UTF8.self)
        guard hashText.utf8.count == 8, let hash = Hex.decode(hashText) else {
            throw CryptoError.noteMalformed("signer key hash is not 8 hex digits")
        }
        guard var key = Base64.decode(utf8: bytes[(second + 1)...]), !key.isEmpty else {
            throw CryptoError.noteMalformed("signer key material is not canonical base64")
        }
        defer { for i in key.indices { key[i] = 0 } }
        guard key[0] == 0x01 else {
            throw CryptoError.unsupportedKeyType("signed-note signature type 0x\(Hex.encode([key[0]])) (only Ed25519, 0x01)")
        }
        guard key.count == 33 else {
            throw CryptoError.noteMalformed("Ed25519 signer key has \(key.count - 1) seed bytes, not 32")
        }
        try self.init(name: name, privateKey: PrivateKey(rawEd25519Seed: Array(key[1...])))
        guard verifier.keyHash == hash else {
            throw CryptoError.noteMalformed("signer key hash \(hashText) does not match name and key")
        }
    }

    public var name: String { verifier.name }

    /// The signature line this signer makes for `text` (the exact bytes of the note text).
    public func signature(for text: String) throws -> NoteSignature {
        var text = text
        let signature = try text.withUTF8 { try privateKey.sign(UnsafeRawBufferPointer($0)) }
        return try NoteSignature(name: verifier.name, keyHash: verifier.keyHash, signature: signature)
    }

    public var description: String { "NoteSigner(\(verifier.verifierKey))" }
}
