import CHADICOpenSSL

/// A private signing key: Ed25519, or ECDSA P-256 (named curve prime256v1).
///
/// Guarantees:
/// - A value only exists for a supported, internally consistent key (for P-256 the public
///   half is checked against the private half when loaded).
/// - `sign` gives Ed25519 signatures as 64 raw bytes (RFC 8032) and P-256 signatures as strict
///   DER ECDSA-Sig-Value over SHA-256(message), always in low-S form; so every signature it
///   makes is accepted by `publicKey.isValidSignature`.
/// - `write(to:)` creates the file with mode 0600 from the first byte and never overwrites.
/// - Safe to share across threads: the `EVP_PKEY` is only read, each call has its own context.
/// - `description` never shows secret material.
public struct PrivateKey: Sendable, CustomStringConvertible {
    public let algorithm: SignatureAlgorithm
    /// The matching public key (computed once when the private key is made or loaded).
    public let publicKey: PublicKey
    let key: OpenSSLKey

    /// Takes ownership of `pointer` (freed even if this throws) and checks the key.
    init(taking pointer: OpaquePointer) throws {
        let key = OpenSSLKey(taking: pointer)
        let algorithm = try PublicKey.algorithm(of: pointer)
        if algorithm == .p256 {
            // Public key in uncompressed form, whatever form the file used.
            _ = EVP_PKEY_set_utf8_string_param(pointer, "point-format", "uncompressed")
            OpenSSL.clearErrors()
            guard let ctx = EVP_PKEY_CTX_new_from_pkey(nil, pointer, nil) else {
                throw OpenSSL.error("EVP_PKEY_CTX_new_from_pkey")
            }
            defer { EVP_PKEY_CTX_free(ctx) }
            guard EVP_PKEY_pairwise_check(ctx) == 1 else {
                OpenSSL.clearErrors()
                throw CryptoError.invalidKeyEncoding("the public key stored with the P-256 private key does not match it")
            }
        }
        self.algorithm = algorithm
        self.publicKey = try PublicKey(spkiDER: OpenSSL.spkiDER(of: pointer))
        self.key = key
    }

    /// A new random key from OpenSSL's CSPRNG.
    public static func generate(_ algorithm: SignatureAlgorithm) throws -> PrivateKey {
        let typeName = algorithm == .ed25519 ? "ED25519" : "EC"
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, typeName, nil) else {
            throw OpenSSL.error("EVP_PKEY_CTX_new_from_name")
        }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_keygen_init(ctx) == 1 else { throw OpenSSL.error("EVP_PKEY_keygen_init") }
        if algorithm == .p256 {
            guard EVP_PKEY_CTX_set_group_name(ctx, "P-256") == 1 else {
                throw OpenSSL.error("EVP_PKEY_CTX_set_group_name")
            }
        }
        var generated: OpaquePointer?
        guard EVP_PKEY_keygen(ctx, &generated) == 1, let generated else {
            throw OpenSSL.error("EVP_PKEY_keygen")
        }
        return try PrivateKey(taking: generated)
    }

    /// Parses a PEM private key: PKCS#8 `PRIVATE KEY` (what `openssl genpkey` writes) or SEC1
    /// `EC PRIVATE KEY` (what `openssl ecparam -genkey` writes). Unencrypted only.
    public init(pem: String) throws {
        let block = try PEM.decode(pem, accepted: ["PRIVATE KEY", "EC PRIVATE KEY"])
        var der = block.der
        defer { der.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) } }
        var consumed = 0
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            defer {
                if let base = buffer.baseAddress, let end = cursor { consumed = end - base }
            }
            if block.label == "EC PRIVATE KEY" {
                return d2i_PrivateKey(EVP_PKEY_EC, nil, &cursor, buffer.count)
            }
            guard let info = d2i_PKCS8_PRIV_KEY_INFO(nil, &cursor, buffer.count) else { return nil }
            defer { PKCS8_PRIV_KEY_INFO_free(info) }
            return EVP_PKCS82PKEY(info)
        }
        guard let parsed else {
            let reason = OpenSSL.error("d2i").description
            throw CryptoError.invalidKeyEncoding("the \(block.label) block is not a readable private key (\(reason))")
        }
        guard consumed == der.count else {
            EVP_PKEY_free(parsed)
            throw CryptoError.invalidKeyEncoding("\(der.count - consumed) bytes after the private key")
        }
        try self.init(taking: parsed)
    }

    /// Reads a PEM private key file.
    public init(contentsOf path: String) throws {
        try self.init(pem: KeyFile.readText(path))
    }

    /// An Ed25519 key from its 32-byte RFC 8032 seed (the "private key" of RFC 8032).
    public init(rawEd25519Seed seed: [UInt8]) throws {
        guard seed.count == 32 else {
            throw CryptoError.invalidKeyEncoding("an Ed25519 seed is 32 bytes, got \(seed.count)")
        }
        let made = seed.withUnsafeBufferPointer {
            EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, $0.baseAddress, $0.count)
        }
        guard let made else { throw OpenSSL.error("EVP_PKEY_new_raw_private_key") }
        try self.init(taking: made)
    }

    /// Unencrypted PKCS#8 `-----BEGIN PRIVATE KEY-----` PEM. Contains the secret key.
    public func pkcs8PEM() throws -> String {
        guard let info = EVP_PKEY2PKCS8(key.pointer) else { throw OpenSSL.error("EVP_PKEY2PKCS8") }
        defer { PKCS8_PRIV_KEY_INFO_free(info) }
        let length = i2d_PKCS8_PRIV_KEY_INFO(info, nil)
        guard length > 0 else { throw OpenSSL.error("i2d_PKCS8_PRIV_KEY_INFO") }
        var der = [UInt8](repeating: 0, count: Int(length))
        defer { der.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) } }
        let written = der.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor = buffer.baseAddress
            return i2d_PKCS8_PRIV_KEY_INFO(info, &cursor)
        }
        guard written == length else { throw OpenSSL.error("i2d_PKCS8_PRIV_KEY_INFO") }
        return PEM.encode(label: "PRIVATE KEY", der: der)
    }

    /// Writes `pkcs8PEM()` to a new file created with mode 0600; throws `.fileExists` naming the
    /// path if anything exists there.
    public func write(to path: String) throws {
        try KeyFile.writeNew(path, contents: pkcs8PEM(), mode: 0o600)
    }

    /// Signs `message` (see the type's guarantees for the formats).
    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        try message.withUnsafeBytes { try sign($0) }
    }

    /// Signs a message in memory without copying it.
    public func sign(_ message: UnsafeRawBufferPointer) throws -> [UInt8] {
        guard let ctx = EVP_MD_CTX_new() else { throw OpenSSL.error("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(ctx) }
        let digest = algorithm == .p256 ? OpenSSLDigest.sha256.md : nil
        guard EVP_DigestSignInit(ctx, nil, digest, nil, key.pointer) == 1 else {
            throw OpenSSL.error("EVP_DigestSignInit")
        }
        var length = Int(EVP_PKEY_get_size(key.pointer))
        guard length > 0 else { throw OpenSSL.error("EVP_PKEY_get_size") }
        var signature = [UInt8](repeating: 0, count: length)
        let ok = signature.withUnsafeMutableBufferPointer { sig in
            withMessagePointer(message) { pointer, count in
                EVP_DigestSign(ctx, sig.baseAddress, &length, pointer, count)
            }
        }
        guard ok == 1, length <= signature.count else { throw OpenSSL.error("EVP_DigestSign") }
        signature.removeLast(signature.count - length)
        switch algorithm {
        case .ed25519:
            guard signature.count == 64 else {
                throw CryptoError.openSSL(function: "EVP_DigestSign", reason: "Ed25519 signature of \(signature.count) bytes")
            }
            return signature
        case .p256:
            return try ECDSASignature(derEncoded: signature).lowS.derEncoded
        }
    }

    public var description: String {
        "PrivateKey(\(algorithm.rawValue), public keyID \(publicKey.keyID))"
    }
}
