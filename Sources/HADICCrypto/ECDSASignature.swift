/// An ECDSA P-256 signature (r, s), with the one DER encoding and the low-S rule HADIC enforces.
///
/// Guarantees: a value always has 1 <= r, s < n (n = order of P-256); `r` and `s` are 32-byte
/// big-endian. `init(derEncoded:)` accepts only strict DER — `SEQUENCE { INTEGER r, INTEGER s }`
/// with minimal lengths and minimal, non-negative integers and no trailing bytes — so
/// `ECDSASignature(derEncoded: d).derEncoded == d`. It does not check low-S by itself; see
/// `isLowS` and `init(strictLowSDER:)`.
public struct ECDSASignature: Hashable, Sendable {
    /// r as 32 big-endian bytes.
    public let r: [UInt8]
    /// s as 32 big-endian bytes.
    public let s: [UInt8]

    /// The order n of the P-256 group, big-endian.
    public static let order: [UInt8] = [
        0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51,
    ]

    /// floor(n / 2): the largest s allowed in low-S form.
    public static let halfOrder: [UInt8] = {
        var out = [UInt8](repeating: 0, count: 32)
        var carry: UInt8 = 0
        for i in 0..<32 {
            out[i] = (order[i] >> 1) | (carry << 7)
            carry = order[i] & 1
        }
        return out
    }()

    /// r and s as 32-byte big-endian integers, each in [1, n-1].
    public init(r: [UInt8], s: [UInt8]) throws {
        guard r.count == 32, s.count == 32 else {
            throw CryptoError.invalidSignatureEncoding("r and s must be 32 bytes each")
        }
        guard Self.isInRange(r), Self.isInRange(s) else {
            throw CryptoError.invalidSignatureEncoding("r or s is zero or not below the group order")
        }
        self.r = r
        self.s = s
    }

    /// Parses strict DER (any s); throws `.invalidSignatureEncoding` naming the defect.
    public init(derEncoded der: [UInt8]) throws {
        guard der.count >= 8, der.count <= 72 else {
            throw CryptoError.invalidSignatureEncoding("length \(der.count) is impossible for P-256")
        }
        guard der[0] == 0x30 else { throw CryptoError.invalidSignatureEncoding("not a DER SEQUENCE") }
        guard der[1] < 0x80 else { throw CryptoError.invalidSignatureEncoding("non-minimal SEQUENCE length") }
        guard Int(der[1]) == der.count - 2 else {
            throw CryptoError.invalidSignatureEncoding("SEQUENCE length does not match (trailing or missing bytes)")
        }
        var cursor = 2
        let r = try Self.parseInteger(der, &cursor, name: "r")
        let s = try Self.parseInteger(der, &cursor, name: "s")
        guard cursor == der.count else {
            throw CryptoError.invalidSignatureEncoding("bytes after s inside the SEQUENCE")
        }
        try self.init(r: r, s: s)
    }

    /// Parses strict DER and also requires low-S (throws `.highS` otherwise).
    public init(strictLowSDER der: [UInt8]) throws {
        try self.init(derEncoded: der)
        guard isLowS else { throw CryptoError.highS }
    }

    /// The strict DER encoding.
    public var derEncoded: [UInt8] {
        let rBytes = Self.derInteger(r)
        let sBytes = Self.derInteger(s)
        return [0x30, UInt8(rBytes.count + sBytes.count)] + rBytes + sBytes
    }

    /// True when s <= n/2.
    public var isLowS: Bool {
        !Self.greater(s, Self.halfOrder)
    }

    /// The same signature in low-S form: (r, n - s) if s > n/2, else unchanged. Both forms
    /// verify under plain ECDSA; HADIC accepts only this one.
    public var lowS: ECDSASignature {
        if isLowS { return self }
        return ECDSASignature(unchecked: r, Self.subtract(Self.order, s))
    }

    private init(unchecked r: [UInt8], _ s: [UInt8]) {
        self.r = r
        self.s = s
    }

    // MARK: - Big-endian helpers (fixed 32-byte width)

    private static func isInRange(_ x: [UInt8]) -> Bool {
        x.contains { $0 != 0 } && greater(order, x)
    }

    /// a > b for equal-length big-endian numbers.
    private static func greater(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        for i in 0..<a.count where a[i] != b[i] {
            return a[i] > b[i]
        }
        return false
    }

    /// a - b for equal-length big-endian numbers with a >= b.
    private static func subtract(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: a.count)
        var borrow = 0
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            var digit = Int(a[i]) - Int(b[i]) - borrow
            borrow = digit < 0 ? 1 : 0
            if digit < 0 { digit += 256 }
            out[i] = UInt8(digit)
        }
        return out
    }

    // MARK: - DER INTEGER

    private static func parseInteger(_ der: [UInt8], _ cursor: inout Int, name: String) throws -> [UInt8] {
        guard cursor + 2 <= der.count, der[cursor] == 0x02 else {
            throw CryptoError.invalidSignatureEncoding("\(name) is not a DER INTEGER")
        }
        let length = Int(der[cursor + 1])
        guard length < 0x80 else { throw CryptoError.invalidSignatureEncoding("non-minimal length of \(name)") }
        guard length >= 1, length <= 33 else {
            throw CryptoError.invalidSignatureEncoding("\(name) has impossible length \(length)")
        }
        let start = cursor + 2
        guard start + length <= der.count else {
            throw CryptoError.invalidSignatureEncoding("\(name) runs past the end")
        }
        let content = der[start..<(start + length)]
        guard content[start] & 0x80 == 0 else {
            throw CryptoError.invalidSignatureEncoding("\(name) is negative")
        }
        if length > 1, content[start] == 0, content[start + 1] & 0x80 == 0 {
            throw CryptoError.invalidSignatureEncoding("\(name) has a superfluous leading zero byte")
        }
        let magnitude = content.drop { $0 == 0 }
        guard magnitude.count <= 32 else {
            throw CryptoError.invalidSignatureEncoding("\(name) is wider than 256 bits")
        }
        cursor = start + length
        return [UInt8](repeating: 0, count: 32 - magnitude.count) + magnitude
    }

    private static func derInteger(_ x: [UInt8]) -> [UInt8] {
        var magnitude = Array(x.drop { $0 == 0 })
        if magnitude.isEmpty { magnitude = [0] }
        if magnitude[0] & 0x80 != 0 { magnitude.insert(0, at: 0) }
        return [0x02, UInt8(magnitude.count)] + magnitude
    }
}
