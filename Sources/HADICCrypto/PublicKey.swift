import CHADICOpenSSL

/// A public key HADIC can verify signatures with: Ed25519, or ECDSA P-256 (named curve
/// prime256v1, uncompressed point).
///
/// Guarantees:
/// - `spkiDER` is the one canonical DER SubjectPublicKeyInfo of the key (re-encoding it gives
///   the same bytes), so equality, hashing and `keyID` are by key, not by spelling.
/// - `keyID` is the lowercase hex SHA-256 of `spkiDER` (what `openssl pkey -pubin -outform DER
///   | sha256sum` prints), computed once.
/// - An Ed25519 key is a point of the prime-order subgroup (``Ed25519Verification``); its
///   signatures are checked by libsodium, P-256 ones by OpenSSL.
/// - `isValidSignature` is safe to call concurrently from many threads on one key: the parsed
///   key is shared read-only and every call uses its own context.
public struct PublicKey: Hashable, Sendable, CustomStringConvertible {
    public let algorithm: SignatureAlgorithm
    /// DER SubjectPublicKeyInfo.
    public let spkiDER: [UInt8]
    /// Lowercase hex SHA-256 of `spkiDER`.
    public let keyID: String
    let key: OpenSSLKey
    /// The 32 raw bytes of an Ed25519 key (empty for P-256), kept for the verifier.
    private let ed25519Bytes: [UInt8]

    /// DER of `SubjectPublicKeyInfo { id-Ed25519 }` up to the 32 key bytes.
    static let ed25519SPKIPrefix: [UInt8] = [
        0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00,
    ]
    /// DER of `SubjectPublicKeyInfo { id-ecPublicKey, prime256v1 }` up to and including the
    /// uncompressed-point marker 0x04; 64 bytes (X, Y) follow.
    static let p256SPKIPrefix: [UInt8] = [
        0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01, 0x06, 0x08, 0x2A,
        0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04,
    ]

    /// Parses a DER SubjectPublicKeyInfo. Throws `.unsupportedKeyType` for anything but Ed25519
    /// and P-256, and `.invalidKeyEncoding` for malformed or non-canonical bytes (trailing data,
    /// compressed points, explicit curve parameters, points not on the curve).
    public init(spkiDER: [UInt8]) throws {
        guard !spkiDER.isEmpty, spkiDER.count <= 16_384 else {
            throw CryptoError.invalidKeyEncoding("SubjectPublicKeyInfo of \(spkiDER.count) bytes")
        }
        var consumed = 0
        let parsed: OpaquePointer? = spkiDER.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            let result = d2i_PUBKEY(nil, &cursor, buffer.count)
            if let base = buffer.baseAddress, let end = cursor { consumed = end - base }
            return result
        }
        guard let parsed else {
            let reason = OpenSSL.error("d2i_PUBKEY").description
            throw CryptoError.invalidKeyEncoding("not a DER SubjectPublicKeyInfo (\(reason))")
        }
        let key = OpenSSLKey(taking: parsed)
        let algorithm = try Self.algorithm(of: parsed)
        guard consumed == spkiDER.count else {
            throw CryptoError.invalidKeyEncoding("\(spkiDER.count - consumed) bytes after the SubjectPublicKeyInfo")
        }
        switch algorithm {
        case .ed25519:
            guard spkiDER.count == 44, spkiDER.starts(with: Self.ed25519SPKIPrefix) else {
                throw CryptoError.invalidKeyEncoding("Ed25519 SubjectPublicKeyInfo is not in canonical form")
            }
            guard Ed25519Verification.isValidPublicKey(Array(spkiDER.suffix(32))) else {
                throw CryptoError.invalidKeyEncoding("the Ed25519 key is not a point of the prime-order group (small order, off the curve or not canonical): no signature by it could be valid")
            }
        case .p256:
            guard spkiDER.count == 91, spkiDER.starts(with: Self.p256SPKIPrefix) else {
                throw CryptoError.invalidKeyEncoding("P-256 public keys must use the named curve and an uncompressed point")
            }
        }
        guard try OpenSSL.spkiDER(of: parsed) == spkiDER else {
            throw CryptoError.invalidKeyEncoding("SubjectPublicKeyInfo is not in canonical DER")
        }
        self.algorithm = algorithm
        self.spkiDER = spkiDER
        self.keyID = Hex.encode(SHA256.hash(spkiDER))
        self.key = key
        self.ed25519Bytes = algorithm == .ed25519 ? Array(spkiDER.suffix(32)) : []
    }

    /// Parses a `-----BEGIN PUBLIC KEY-----` PEM document (SubjectPublicKeyInfo).
    public init(pem: String) throws {
        let block = try PEM.decode(pem, accepted: ["PUBLIC KEY"])
        try self.init(spkiDER: block.der)
    }

    /// Reads a PEM public key file.
    public init(contentsOf path: String) throws {
        try self.init(pem: KeyFile.readText(path))
    }

    /// An Ed25519 public key from its 32 raw bytes (RFC 8032 encoding).
    public init(rawEd25519: [UInt8]) throws {
        guard rawEd25519.count == 32 else {
            throw CryptoError.invalidKeyEncoding("an Ed25519 public key is 32 bytes, got \(rawEd25519.count)")
        }
        try self.init(spkiDER: Self.ed25519SPKIPrefix + rawEd25519)
    }

    /// `-----BEGIN PUBLIC KEY-----` PEM of `spkiDER`.
    public var pem: String {
        PEM.encode(label: "PUBLIC KEY", der: spkiDER)
    }

    /// The 32 raw key bytes of an Ed25519 key; nil for other algorithms.
    public var rawEd25519: [UInt8]? {
        algorithm == .ed25519 ? ed25519Bytes : nil
    }

    /// Writes `pem` to a new file with mode 0644; throws `.fileExists` if the path exists.
    public func write(to path: String) throws {
        try KeyFile.writeNew(path, contents: pem, mode: 0o644)
    }

    /// Whether `signature` is a valid signature of `message` by this key.
    ///
    /// Ed25519: the strict RFC 8032 verification of ``Ed25519Verification`` (libsodium) of a
    /// 64-byte signature. P-256: ECDSA with SHA-256 (OpenSSL), and the signature must be strict
    /// DER in low-S form (else false).
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        message.withUnsafeBytes { isValidSignature(signature, for: $0) }
    }

    /// As `isValidSignature(_:for:)`, for a message in memory that need not be copied.
    public func isValidSignature(_ signature: [UInt8], for message: UnsafeRawBufferPointer) -> Bool {
        switch algorithm {
        case .ed25519:
            guard signature.count == 64 else { return false }
            return signature.withUnsafeBytes { sig in
                ed25519Bytes.withUnsafeBytes { key in
                    Ed25519Verification.isValidSignature(sig, message: message, publicKey: key)
                }
            }
        case .p256:
            guard let parsed = try? ECDSASignature(derEncoded: signature), parsed.isLowS else { return false }
            return verify(signature, message, digest: OpenSSLDigest.sha256.md)
        }
    }

    private func verify(_ signature: [UInt8], _ message: UnsafeRawBufferPointer, digest: OpaquePointer?) -> Bool {
        guard let ctx = EVP_MD_CTX_new() else {
            OpenSSL.clearErrors()
            return false
        }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestVerifyInit(ctx, nil, digest, nil, key.pointer) == 1 else {
            OpenSSL.clearErrors()
            return false
        }
        let result = signature.withUnsafeBufferPointer { sig in
            withMessagePointer(message) { pointer, count in
                EVP_DigestVerify(ctx, sig.baseAddress, sig.count, pointer, count)
            }
        }
        if result != 1 { OpenSSL.clearErrors() }
        return result == 1
    }

    public static func == (lhs: PublicKey, rhs: PublicKey) -> Bool {
        lhs.spkiDER == rhs.spkiDER
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(spkiDER)
    }

    public var description: String {
        "PublicKey(\(algorithm.rawValue), keyID \(keyID))"
    }

    /// The algorithm of a parsed key, or `.unsupportedKeyType` naming what it is.
    static func algorithm(of key: OpaquePointer) throws -> SignatureAlgorithm {
        if EVP_PKEY_is_a(key, "ED25519") == 1 {
            return .ed25519
        }
        if EVP_PKEY_is_a(key, "EC") == 1, let group = OpenSSL.groupName(of: key),
           group == "prime256v1" || group == "P-256" {
            return .p256
        }
        throw CryptoError.unsupportedKeyType(OpenSSL.typeDescription(of: key))
    }
}

/// Calls `body` with a non-null pointer to the message bytes (OpenSSL wants one even for an
/// empty message) and the byte count.
@inline(__always)
func withMessagePointer<R>(_ message: UnsafeRawBufferPointer, _ body: (UnsafePointer<UInt8>, Int) -> R) -> R {
    if let base = message.baseAddress, message.count > 0 {
        return body(base.assumingMemoryBound(to: UInt8.self), message.count)
    }
    var empty: UInt8 = 0
    return withUnsafePointer(to: &empty) { body($0, 0) }
}
