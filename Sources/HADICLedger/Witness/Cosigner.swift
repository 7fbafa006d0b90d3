import HADICCrypto

/// A witness's signing side: its name and Ed25519 private key, making `cosignature/v1` lines.
///
/// Guarantees: every line `cosign` returns verifies under `key` (`CosignerKey.verifiedTimestamp`
/// gives back the timestamp it was made with); the private key never leaves the value.
public struct Cosigner: Sendable {
    public let key: CosignerKey
    private let privateKey: PrivateKey

    public init(name: String, privateKey: PrivateKey) throws(CosignatureError) {
        self.key = try CosignerKey(name: name, publicKey: privateKey.publicKey)
        self.privateKey = privateKey
    }

    /// The note signature line `— <name> base64(keyID || timestamp (8 bytes, big-endian) || signature)`.
    public func cosign(checkpointText: String, timestamp: UInt64) throws(CosignatureError) -> NoteSignature {
        guard timestamp <= CosignatureMessage.maxTimestamp else {
            throw .malformed("timestamp \(timestamp) is past 2^63 - 1")
        }
        let message = CosignatureMessage(timestamp: timestamp, checkpointText: checkpointText)
        let stamp = (0..<8).map { UInt8(truncatingIfNeeded: timestamp >> (56 - 8 * $0)) }
        do {
            return try NoteSignature(name: key.name, keyHash: key.keyID, signature: stamp + privateKey.sign(message.bytes))
        } catch {
            throw .malformed("cannot cosign: \(error)")
        }
    }
}
