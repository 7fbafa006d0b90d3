/// The signature algorithms HADIC accepts, and nothing else.
///
/// Guarantees: the raw values are stable identifiers (`"ed25519"`, `"p256"`) safe to persist.
/// - `ed25519`: Ed25519 as in RFC 8032 (pure, no pre-hash); signatures are 64 raw bytes.
/// - `p256`: ECDSA over NIST P-256 (prime256v1) with SHA-256; signatures are strict DER
///   ECDSA-Sig-Value in low-S form.
public enum SignatureAlgorithm: String, Sendable, CaseIterable {
    case ed25519
    case p256
}
