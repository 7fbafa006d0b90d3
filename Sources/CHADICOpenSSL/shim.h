/*
 * CHADICOpenSSL: the slice of the system libcrypto (OpenSSL 3) that HADICCrypto uses.
 *
 * Swift imports plain C functions and integer/string constants, but not function-like
 * macros; every macro HADICCrypto needs is wrapped below as a `static inline` function
 * with a `hadic_` prefix.
 */
#ifndef CHADICOPENSSL_SHIM_H
#define CHADICOPENSSL_SHIM_H

#include <openssl/opensslv.h>

#if OPENSSL_VERSION_NUMBER < 0x30000000L
#error "HADIC needs OpenSSL 3.0 or newer (libssl-dev)"
#endif

#include <stddef.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

/* OPENSSL_free is a macro (it passes __FILE__/__LINE__ to CRYPTO_free). */
static inline void hadic_OPENSSL_free(void *ptr) {
    OPENSSL_free(ptr);
}

/* OPENSSL_VERSION_NUMBER of the headers HADIC was compiled against. */
static inline unsigned long hadic_openssl_header_version(void) {
    return (unsigned long)OPENSSL_VERSION_NUMBER;
}

#endif /* CHADICOPENSSL_SHIM_H */
