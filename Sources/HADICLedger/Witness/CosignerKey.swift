import HADICCrypto

/// A witness's public identity as a verifier knows it: a key name and an Ed25519 key, with the
/// `cosignature/v1` key id (c2sp.org/tlog-cosignature) computed from them.
///
/// Guarantees: `name` is a valid signed-note key name, the key is Ed25519, and `keyID` is always
/// SHA-256(name || 0x0A || 0x04 || 32-byte public key)[:4], so a value cannot carry an id that
/// disagrees with its key. `verifierKey` is the vkey text `name+hex8(keyID)+base64(0x04 || key)`.
public struct CosignerKey: Hashable, Sendable, CustomStringConvertible {
    /// The signed-note signature type byte of an Ed25519 cosignature/v1.
    public static let signatureType: UInt8 = 0x04

    public let name: String
    public let keyID: [UInt8]
    public let publicKey: PublicKey

    /// Throws for an invalid key name or a key that is not Ed25519.
    public init(name: String, publicKey: PublicKey) throws(CosignatureError) {
        guard let raw = publicKey.rawEd25519 else {
            throw .malformed("a cosigner key must be Ed25519, not \(publicKey.algorithm)")
        }
        do {
            // NoteSignature checks the key name with the signed-note rules.
            _ = try NoteSignature(name: name, keyHash: [0, 0, 0, 0], signature: [0])
        } catch {
            throw .malformed("cosigner name: \(error)")
        }
        self.name = name
        self.publicKey = publicKey
        self.keyID = Array(SHA256.hash(Array(name.utf8) + [0x0A, Self.signatureType] + raw).prefix(4))
    }

    /// Parses the vkey text `name+hex8(keyID)+base64(0x04 || 32-byte key)` and checks the id.
    public init(verifierKey text: String) throws(CosignatureError) {
        // Base64 may hold `+`; names and ids never do, so only the first two separate fields.
        let parts = text.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw .malformed("witness key \"\(text)\" is not name+keyid+key")
        }
        guard parts[1].utf8.count == 8, let id = Hex.decode(String(parts[1])) else {
            throw .malformed("witness key id \"\(parts[1])\" is not 8 hex digits")
        }
        guard let material = Base64.decode(String(parts[2])), material.count == 33 else {
            throw .malformed("witness key material is not base64 of a type byte and 32 key bytes")
        }
        guard material[0] == Self.signatureType else {
            throw .malformed("witness key type 0x\(Hex.encode([material[0]])) is not 0x04 (Ed25519 cosignature/v1)")
        }
        let key: PublicKey
        do { key = try PublicKey(rawEd25519: Array(material[1...])) } catch {
            throw .malformed("witness public key: \(error)")
        }
        try self.init(name: String(parts[0]), publicKey: key)
        guard keyID == id else {
            throw .malformed("witness key id \(parts[1]) does not match its name and key (expected \(Hex.encode(keyID)))")
        }
    }

    public var verifierKey: String {
        name + "+" + Hex.encode(keyID) + "+" + Base64.encode([Self.signatureType] + (publicKey.rawEd25519 ?? []))
    }

    /// Whether a note signature line names this cosigner (same name bytes and key id).
    public func matches(_ line: NoteSignature) -> Bool {
        line.keyHash == keyID && Array(line.name.utf8) == Array(name.utf8)
    }

    /// The timestamp of `line` if it is this cosigner's valid cosignature/v1 over
    /// `checkpointText`; nil if it names another key, is not 8 + 64 bytes, carries a timestamp
    /// past 2^63 - 1, or its signature does not verify.
    public func verifiedTimestamp(of line: NoteSignature, checkpointText: String) -> UInt64? {
        guard matches(line), line.signature.count == 72 else { return nil }
        let timestamp = line.signature.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard timestamp <= CosignatureMessage.maxTimestamp else { return nil }
        let message = CosignatureMessage(timestamp: timestamp, checkpointText: checkpointText)
        guard publicKey.isValidSignature(Array(line.signature.dropFirst(8)), for: message.bytes) else { return nil }
        return timestamp
    }

    public var description: String { verifierKey }
}
