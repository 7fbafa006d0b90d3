import CHADICSodium

/// How HADIC checks Ed25519 signatures and public keys: libsodium's strict RFC 8032
/// verification, the one rule every node, verifier and command applies (docs/FORMATS.md,
/// "Signatures").
///
/// A signature (R, S) of message M by public key A is valid if and only if:
/// - A is the canonical encoding of a point of the prime-order subgroup other than the identity
///   (checked once, when the key is parsed: ``isValidPublicKey(_:)``);
/// - S is canonical (S < L, the group order);
/// - R does not encode a point of small order;
/// - the encoding of [S]B - [k]A equals R's 32 bytes, k = SHA-512(R || A || M) mod L (the
///   cofactorless equation).
///
/// Every signature this accepts, OpenSSL (and any RFC 8032 verifier) accepts too; OpenSSL also
/// accepts some that only the key's owner could craft (for example R the identity point),
/// which HADIC refuses. libsodium checks about twice as many signatures per second per core as
/// OpenSSL 3 on this project's machines, and signature checks are most of a node's work.
public enum Ed25519Verification {
    /// `sodium_init` must have run before any other libsodium call; it is idempotent and
    /// thread-safe, and this global runs it once.
    private static let ready: Bool = sodium_init() >= 0

    /// Whether `signature` (64 bytes) is a valid signature of `message` by the 32-byte key `publicKey`.
    public static func isValidSignature(_ signature: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer,
                                        publicKey: UnsafeRawBufferPointer) -> Bool {
        guard ready, signature.count == 64, publicKey.count == 32,
              let sig = signature.baseAddress, let key = publicKey.baseAddress else { return false }
        return withMessagePointer(message) { pointer, count in
            crypto_sign_verify_detached(sig.assumingMemoryBound(to: UInt8.self), pointer, UInt64(count),
                                        key.assumingMemoryBound(to: UInt8.self)) == 0
        }
    }

    /// Whether 32 bytes are a public key that can have valid signatures: the canonical encoding
    /// of a point on the curve, in the prime-order subgroup, not of small order (what
    /// `crypto_core_ed25519_is_valid_point` checks). Keys made by signing software always are.
    public static func isValidPublicKey(_ raw: [UInt8]) -> Bool {
        guard ready, raw.count == 32 else { return false }
        return raw.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress else { return false }
            return crypto_core_ed25519_is_valid_point(base) == 1
        }
    }
}
