/// Rules for key names in c2sp.org/signed-note.
///
/// Guarantees: `check` accepts exactly the names that can appear in a note: non-empty, no
/// Unicode white space (the White_Space property, as Go's `unicode.IsSpace`), no `+`, and
/// (so the note stays well formed) no ASCII control characters.
enum NoteKeyName {
    static func check(_ name: String) throws {
        guard !name.isEmpty else { throw CryptoError.noteMalformed("empty key name") }
        for scalar in name.unicodeScalars {
            if scalar == "+" {
                throw CryptoError.noteMalformed("key name \(quoted(name)) contains '+'")
            }
            if scalar.properties.isWhitespace {
                throw CryptoError.noteMalformed("key name \(quoted(name)) contains white space")
            }
            if scalar.value < 0x20 {
                throw CryptoError.noteMalformed("key name \(quoted(name)) contains a control character")
            }
        }
    }

    /// The name in quotes with control characters escaped, for error messages.
    static func quoted(_ name: String) -> String {
        "\"" + name.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? $0.escaped(asASCII: true) : String($0) }
            .joined() + "\""
    }

    /// Byte equality; `String ==` would also equate canonically equivalent spellings.
    @inline(__always)
    static func same(_ a: String, _ b: String) -> Bool {
        a.utf8.elementsEqual(b.utf8)
    }

    /// SHA-256(name || 0x0A || 0x01 || key)[:4], the Ed25519 key hash of the spec.
    static func ed25519KeyHash(name: String, rawKey: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(Array(name.utf8) + [0x0A, 0x01] + rawKey).prefix(4))
    }
}
