import CHADICOpenSSL

/// Process-wide OpenSSL settings.
public enum OpenSSLProcessSetup {
    /// Stops libcrypto from freeing its global state in an `atexit` handler. A process that exits
    /// (for example after reporting a failure) while a worker thread is still inside libcrypto
    /// would otherwise crash in that thread; the kernel reclaims the memory anyway.
    public static func keepStateUntilExit() {
        _ = OPENSSL_init_crypto(UInt64(OPENSSL_INIT_NO_ATEXIT), nil)
    }
}
