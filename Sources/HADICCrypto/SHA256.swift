import CHADICOpenSSL

/// SHA-256 (FIPS 180-4) through libcrypto.
///
/// Guarantees: every function returns exactly 32 bytes, the SHA-256 digest of the bytes it
/// names, and is safe to call from any number of threads at once: all calls share one
/// process-wide `EVP_MD` (fetched once with `EVP_MD_fetch`) and reuse one `EVP_MD_CTX` per
/// thread. libcrypto can fail to hash only when memory runs out; the process then stops, as it
/// cannot go on without hashing.
public enum SHA256 {
    /// Length of a digest in bytes.
    public static let byteCount = 32

    /// SHA-256(bytes).
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { hash($0) }
    }

    /// SHA-256(bytes).
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        if let md = OpenSSLDigest.sha256.md, let digest = oneShot(bytes, md) {
            return digest
        }
        unavailable()
    }

    private static func unavailable() -> Never {
        preconditionFailure("libcrypto could not compute SHA-256 (out of memory)")
    }

    /// SHA-256(prefix || a || b): the RFC 9162 interior node hash when `prefix` is 0x01.
    /// For two 32-byte inputs the 65 bytes are hashed from one stack buffer.
    public static func hash(prefix: UInt8, _ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        if a.count == 32, b.count == 32, let md = OpenSSLDigest.sha256.md {
            let digest = withUnsafeTemporaryAllocation(byteCount: 65, alignment: 1) { buffer -> [UInt8]? in
                buffer[0] = prefix
                a.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[1..<33]).copyMemory(from: $0) }
                b.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[33..<65]).copyMemory(from: $0) }
                return oneShot(UnsafeRawBufferPointer(buffer), md)
            }
            if let digest { return digest }
        }
        return a.withUnsafeBytes { rawA in
            b.withUnsafeBytes { rawB in
                streamed(prefix: prefix, rawA, rawB)
            }
        }
    }

    /// SHA-256(prefix || a): the RFC 9162 leaf hash when `prefix` is 0x00. `a` is not copied.
    public static func hash(prefix: UInt8, _ a: [UInt8]) -> [UInt8] {
        a.withUnsafeBytes { streamed(prefix: prefix, $0, nil) }
    }

    /// SHA-256(prefix || a), without copying `a`.
    public static func hash(prefix: UInt8, _ a: UnsafeRawBufferPointer) -> [UInt8] {
        streamed(prefix: prefix, a, nil)
    }

    // MARK: - libcrypto paths

    @inline(__always)
    private static func oneShot(_ bytes: UnsafeRawBufferPointer, _ md: OpaquePointer) -> [UInt8]? {
        guard let ctx = ThreadDigestContext.current() else { return nil }
        var ok = false
        let digest = [UInt8](unsafeUninitializedCapacity: 32) { buffer, count in
            var length: UInt32 = 0
            ok = EVP_DigestInit_ex2(ctx, md, nil) == 1
                && EVP_DigestUpdate(ctx, bytes.baseAddress, bytes.count) == 1
                && EVP_DigestFinal_ex(ctx, buffer.baseAddress, &length) == 1
                && length == 32
            count = ok ? 32 : 0
        }
        if ok { return digest }
        OpenSSL.clearErrors()
        return nil
    }

    private static func streamed(
        prefix: UInt8, _ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer?
    ) -> [UInt8] {
        var prefixByte = prefix
        if let md = OpenSSLDigest.sha256.md, let ctx = ThreadDigestContext.current() {
            var ok = EVP_DigestInit_ex2(ctx, md, nil) == 1 && EVP_DigestUpdate(ctx, &prefixByte, 1) == 1
            if ok, a.count > 0 { ok = EVP_DigestUpdate(ctx, a.baseAddress, a.count) == 1 }
            if ok, let b, b.count > 0 { ok = EVP_DigestUpdate(ctx, b.baseAddress, b.count) == 1 }
            if ok {
                let digest = [UInt8](unsafeUninitializedCapacity: 32) { buffer, count in
                    var length: UInt32 = 0
                    let success = EVP_DigestFinal_ex(ctx, buffer.baseAddress, &length)
                    count = (success == 1 && length == 32) ? 32 : 0
                }
                if digest.count == 32 { return digest }
            }
            OpenSSL.clearErrors()
        }
        unavailable()
    }
}
