/// The identifier of a lot, a logistic unit or a container.
///
/// Three forms are accepted, each validated:
/// - a GS1 EPC pure-identity URN: `urn:epc:class:lgtin:CP.IR.LOT`, `urn:epc:id:sgtin:CP.IR.SERIAL`,
///   `urn:epc:id:sscc:CP.SERIALREF` (company prefix + item reference = 13 digits; sscc 17 digits);
/// - a GS1 Digital Link URI: `https://HOST/01/GTIN14/10/LOT`, `.../01/GTIN14/21/SERIAL`, or
///   `https://HOST/00/SSCC18` (HOST in lowercase ASCII), with the GTIN or SSCC check digit verified;
/// Every accepted form is ASCII, so equal ids are equal byte for byte.
/// - a party's own identifier `PARTY/LOCAL` (LOCAL: letters, digits and `._-/`, at most 128 bytes);
///   only PARTY may create lots in its namespace.
public struct LotID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public enum Form: Hashable, Sendable {
        case epcURN
        case digitalLink
        case local(owner: PartyID)
    }

    public let rawValue: String
    public let form: Form

    public init?(_ text: String) {
        guard text.utf8.count <= Limits.maxIdentifierBytes else { return nil }
        if text.hasPrefix("urn:epc:") {
            guard LotID.isValidEPC(text) else { return nil }
            form = .epcURN
        } else if text.hasPrefix("https://") {
            guard LotID.isValidDigitalLink(text) else { return nil }
            form = .digitalLink
        } else {
            // Searched and counted in UTF-8: these checks run for every lot a query reads.
            let bytes = text.utf8
            guard let slash = bytes.firstIndex(of: UInt8(ascii: "/")),
                  let owner = PartyID(String(text[..<slash])) else { return nil }
            let local = bytes[bytes.index(after: slash)...]
            guard (1...128).contains(local.count),
                  local.allSatisfy({ LotID.isLocalByte($0) }) else { return nil }
            form = .local(owner: owner)
        }
        rawValue = text
    }

    public var description: String { rawValue }
    public static func < (a: LotID, b: LotID) -> Bool { a.rawValue < b.rawValue }

    // The form follows from the text: equality and hashing need only the text (queries hash
    // lot ids hundreds of thousands of times).
    public static func == (a: LotID, b: LotID) -> Bool { a.rawValue == b.rawValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }

    private static func isLocalByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
            || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "-") || b == UInt8(ascii: "/")
    }

    private static func isDigits(_ s: Substring, count: Int? = nil) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } && (count == nil || s.utf8.count == count)
    }

    /// GS1 AI 10/21 values and EPC serials: GS1 AI encodable character set 82, kept to the
    /// URI-safe subset (percent-escapes are accepted as-is).
    private static func isGS1Text(_ s: Substring, maxLength: Int) -> Bool {
        guard (1...maxLength).contains(s.utf8.count) else { return false }
        return s.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                || "-._%!'()*+,:;=".utf8.contains(b)
        }
    }

    private static func isValidEPC(_ text: String) -> Bool {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 5 else { return false }
        let fields = parts[4].split(separator: ".", omittingEmptySubsequences: false)
        switch (parts[2], parts[3]) {
        case ("id", "sgtin"), ("class", "lgtin"):
            guard fields.count == 3, isDigits(fields[0]), isDigits(fields[1]),
                  fields[0].count >= 6, fields[0].count + fields[1].count == 13 else { return false }
            return isGS1Text(fields[2], maxLength: 20)
        case ("id", "sscc"):
            guard fields.count == 2, isDigits(fields[0]), isDigits(fields[1]),
                  fields[0].count >= 6, fields[0].count + fields[1].count == 17 else { return false }
            return true
        default:
            return false
        }
    }

    private static func isValidDigitalLink(_ text: String) -> Bool {
        let afterScheme = text.drop(while: { $0 != "/" }).dropFirst(2)
        var segments = afterScheme.split(separator: "/", omittingEmptySubsequences: false)
        // The host is lowercase ASCII, so one lot has one spelling (no Unicode look-alikes).
        guard segments.count >= 3, !segments[0].isEmpty,
              segments[0].utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") })
        else { return false }
        segments.removeFirst()  // host
        switch segments[0] {
        case "01":
            guard segments.count == 4, isDigits(segments[1], count: 14), hasValidCheckDigit(segments[1]) else { return false }
            guard segments[2] == "10" || segments[2] == "21" else { return false }
            return isGS1Text(segments[3], maxLength: 20)
        case "00":
            return segments.count == 2 && isDigits(segments[1], count: 18) && hasValidCheckDigit(segments[1])
        default:
            return false
        }
    }

    /// GS1 mod-10 check digit: weights 3,1,3,... from the right, excluding the check digit.
    static func hasValidCheckDigit(_ digits: Substring) -> Bool {
        GS1CheckDigit.isValid(digits)
    }
}

extension LotID {
    /// The GTIN-14 of a trade-item lot or serial (Digital Link `/01/`, EPC `lgtin`/`sgtin`);
    /// nil for logistic units (SSCC) and `PARTY/LOCAL` ids.
    public var gtin: String? {
        switch form {
        case .digitalLink:
            let parts = rawValue.split(separator: "/", omittingEmptySubsequences: false)
            guard let i = parts.firstIndex(of: "01"), i + 1 < parts.count else { return nil }
            return String(parts[i + 1])
        case .epcURN:
            guard rawValue.hasPrefix("urn:epc:class:lgtin:") || rawValue.hasPrefix("urn:epc:id:sgtin:"),
                  let fields = rawValue.split(separator: ":").last?.split(separator: "."), fields.count == 3,
                  let indicator = fields[1].first else { return nil }
            let body = String(indicator) + fields[0] + fields[1].dropFirst()
            guard body.utf8.count == 13, let check = GS1CheckDigit.compute(body) else { return nil }
            return body + String(check)
        case .local:
            return nil
        }
    }
}
