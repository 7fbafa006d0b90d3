/// Every failure HADICCrypto reports.
///
/// Guarantees: each case names what failed, and `description` is a single line a human can act
/// on (it never contains a newline, and never contains key material).
public enum CryptoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text is not a PEM document of the expected kind (the reason says what was wrong).
    case invalidPEM(String)
    /// The key is well formed but of a type HADIC does not use (only Ed25519 and ECDSA P-256 are
    /// supported); the payload names the type found, e.g. `"RSA"` or `"EC curve secp384r1"`.
    case unsupportedKeyType(String)
    /// A key of one algorithm was given where another was required.
    case wrongAlgorithm(expected: SignatureAlgorithm, found: SignatureAlgorithm)
    /// Key bytes (DER SubjectPublicKeyInfo, PKCS#8, raw key) are malformed or not in the single
    /// canonical encoding HADIC accepts.
    case invalidKeyEncoding(String)
    /// An ECDSA signature is not strict DER, or its integers are out of range.
    case invalidSignatureEncoding(String)
    /// An ECDSA signature has s > n/2; HADIC only accepts the low-S form.
    case highS
    /// A libcrypto call failed; `reason` is the text of OpenSSL's error queue.
    case openSSL(function: String, reason: String)
    /// A signed note (or a note key, name or text) does not follow c2sp.org/signed-note.
    case noteMalformed(String)
    /// A signed note carries no valid signature from the required verifier(s).
    case noteUnverified(String)
    /// A file was not written because something already exists at that path.
    case fileExists(path: String)
    /// Reading or writing a file failed.
    case fileIO(path: String, reason: String)

    public var description: String {
        let text: String
        switch self {
        case .invalidPEM(let reason):
            text = "invalid PEM: \(reason)"
        case .unsupportedKeyType(let type):
            text = "unsupported key type \(type) (HADIC uses only Ed25519 and ECDSA P-256)"
        case .wrongAlgorithm(let expected, let found):
            text = "wrong key algorithm: expected \(expected.rawValue), found \(found.rawValue)"
        case .invalidKeyEncoding(let reason):
            text = "invalid key encoding: \(reason)"
        case .invalidSignatureEncoding(let reason):
            text = "invalid signature encoding: \(reason)"
        case .highS:
            text = "ECDSA signature is not in low-S form (s > n/2)"
        case .openSSL(let function, let reason):
            text = "OpenSSL \(function) failed: \(reason)"
        case .noteMalformed(let reason):
            text = "malformed signed note: \(reason)"
        case .noteUnverified(let reason):
            text = "signed note not verified: \(reason)"
        case .fileExists(let path):
            text = "refusing to overwrite existing file \(path)"
        case .fileIO(let path, let reason):
            text = "file \(path): \(reason)"
        }
        return Self.oneLine(text)
    }

    /// Replaces line breaks and other control characters so the message stays on one line.
    static func oneLine(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F || scalar == "\u{2028}" || scalar == "\u{2029}" {
                out.append(" ")
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }
}
