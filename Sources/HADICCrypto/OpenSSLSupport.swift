import CHADICOpenSSL

/// Owns one `EVP_PKEY` and frees it when the last reference goes.
///
/// Thread safety: after construction the key is only ever passed to OpenSSL as a read-only
/// argument (sign/verify/encode); OpenSSL 3 allows that from many threads at once. Every
/// operation creates its own `EVP_MD_CTX`/`EVP_PKEY_CTX`, so no context is shared.
final class OpenSSLKey: @unchecked Sendable {
    let pointer: OpaquePointer

    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        EVP_PKEY_free(pointer)
    }
}

/// The process-wide SHA-256 `EVP_MD`, fetched once (fetching per call halves the speed of
/// small hashes). Never freed: it lives as long as the process.
final class OpenSSLDigest: @unchecked Sendable {
    let md: OpaquePointer?

    private init() {
        if let fetched = EVP_MD_fetch(nil, "SHA256", nil) {
            md = fetched
        } else {
            ERR_clear_error()
            md = EVP_sha256()
        }
    }

    static let sha256 = OpenSSLDigest()
}

/// Helpers around libcrypto's per-thread error queue and DER encoders.
enum OpenSSL {
    /// Drains this thread's OpenSSL error queue into a `CryptoError.openSSL` naming `function`.
    static func error(_ function: String) -> CryptoError {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
            reasons.append(String(decoding: bytes, as: UTF8.self))
        }
        let reason = reasons.isEmpty ? "no reason in the OpenSSL error queue" : reasons.joined(separator: "; ")
        return .openSSL(function: function, reason: reason)
    }

    /// Discards this thread's OpenSSL error queue (after an expected failure, e.g. a bad signature).
    @inline(__always)
    static func clearErrors() {
        ERR_clear_error()
    }

    /// DER SubjectPublicKeyInfo of a key (`i2d_PUBKEY`).
    static func spkiDER(of key: OpaquePointer) throws -> [UInt8] {
        let length = i2d_PUBKEY(key, nil)
        guard length > 0 else { throw error("i2d_PUBKEY") }
        var out = [UInt8](repeating: 0, count: Int(length))
        let written = out.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor = buffer.baseAddress
            return i2d_PUBKEY(key, &cursor)
        }
        guard written == length else { throw error("i2d_PUBKEY") }
        return out
    }

    /// The short type name OpenSSL gives a key ("RSA", "EC", "ED25519", ...), plus the curve
    /// for EC keys; used in error messages.
    static func typeDescription(of key: OpaquePointer) -> String {
        var name = "unknown"
        if let cName = EVP_PKEY_get0_type_name(key) {
            name = String(cString: cName)
        }
        if EVP_PKEY_is_a(key, "EC") == 1 {
            name = "EC curve " + (groupName(of: key) ?? "with explicit or unknown parameters")
        }
        return name
    }

    /// The curve name of an EC key (e.g. "prime256v1"), or nil.
    static func groupName(of key: OpaquePointer) -> String? {
        var buffer = [CChar](repeating: 0, count: 80)
        var length = 0
        guard EVP_PKEY_get_group_name(key, &buffer, buffer.count, &length) == 1 else {
            clearErrors()
            return nil
        }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One reusable SHA-256 `EVP_MD_CTX` per thread (about 25% faster than `EVP_Digest`, which
/// allocates a context per call, for the small inputs of Merkle hashing).
///
/// Safe because a context is only touched by its own thread and only inside one synchronous
/// hash call (no callbacks, no suspension points); it is freed when the thread exits.
enum ThreadDigestContext {
    private final class Key: @unchecked Sendable {
        let key: pthread_key_t?

        init() {
            var key = pthread_key_t()
            let status = pthread_key_create(&key) { pointer in
                if let pointer { EVP_MD_CTX_free(OpaquePointer(pointer)) }
            }
            self.key = status == 0 ? key : nil
        }
    }

    private static let storage = Key()

    /// This thread's context, created on first use; nil only if allocation failed.
    @inline(__always)
    static func current() -> OpaquePointer? {
        guard let key = storage.key else { return nil }
        if let existing = pthread_getspecific(key) {
            return OpaquePointer(existing)
        }
        guard let ctx = EVP_MD_CTX_new() else { return nil }
        guard pthread_setspecific(key, UnsafeRawPointer(ctx)) == 0 else {
            EVP_MD_CTX_free(ctx)
            return nil
        }
        return ctx
    }
}
