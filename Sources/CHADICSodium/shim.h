/*
 * CHADICSodium: the system libsodium (libsodium-dev), which HADICCrypto uses for one job:
 * checking Ed25519 signatures (about twice OpenSSL 3's rate on the same core; see
 * docs/FORMATS.md for the exact rule and docs/PERFORMANCE.md for the figures).
 */
#ifndef CHADICSODIUM_SHIM_H
#define CHADICSODIUM_SHIM_H

#include <sodium.h>

#if SODIUM_LIBRARY_VERSION_MAJOR < 10 || (SODIUM_LIBRARY_VERSION_MAJOR == 10 && SODIUM_LIBRARY_VERSION_MINOR < 3)
#error "HADIC needs libsodium 1.0.18 or newer (libsodium-dev)"
#endif

#endif
