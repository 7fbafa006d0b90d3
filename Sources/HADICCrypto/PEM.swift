/// Minimal PEM (RFC 7468) reading and writing for keys.
///
/// Guarantees: `encode` writes the strict RFC 7468 form (64-character base64 lines, trailing
/// newline). `decode` returns the one block whose label is accepted, requires canonical base64,
/// ignores surrounding whitespace and `EC PARAMETERS` blocks (which `openssl ecparam -genkey`
/// writes in front of a key), and rejects anything else outside the block, encrypted keys and
/// more than one key block, each with a reason.
enum PEM {
    static func encode(label: String, der: [UInt8]) -> String {
        let body = Array(Base64.encode(der).utf8)
        var out = "-----BEGIN \(label)-----\n"
        var index = 0
        while index < body.count {
            let end = min(index + 64, body.count)
            out += String(decoding: body[index..<end], as: UTF8.self)
            out += "\n"
            index = end
        }
        out += "-----END \(label)-----\n"
        return out
    }

    /// Finds the single block whose label is in `accepted`; returns its label and DER bytes.
    static func decode(_ text: String, accepted: Set<String>) throws -> (label: String, der: [UInt8]) {
        let skippable: Set<String> = ["EC PARAMETERS"]
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map { $0.trimmingWhitespace() }
        var found: (label: String, der: [UInt8])?
        var currentLabel: String?
        var body: [UInt8] = []
        var lineNumber = 0
        for line in lines {
            lineNumber += 1
            if let label = currentLabel {
                if line == "-----END \(label)-----" {
                    currentLabel = nil
                    if skippable.contains(label) {
                        body = []
                        continue
                    }
                    guard found == nil else {
                        throw CryptoError.invalidPEM("more than one key block (second block ends on line \(lineNumber))")
                    }
                    guard !body.isEmpty, let der = Base64.decode(utf8: body) else {
                        throw CryptoError.invalidPEM("the base64 body of the \(label) block is not valid base64")
                    }
                    found = (label, der)
                    body = []
                } else if line.hasPrefix("-----") {
                    throw CryptoError.invalidPEM("line \(lineNumber): expected -----END \(label)-----")
                } else if line.contains(":") {
                    throw CryptoError.invalidPEM("encrypted or header-carrying PEM (line \(lineNumber)) is not supported")
                } else {
                    body.append(contentsOf: line.utf8)
                }
            } else if line.isEmpty {
                continue
            } else if line.hasPrefix("-----BEGIN "), line.hasSuffix("-----"), line.count > 16 {
                let label = String(line.dropFirst(11).dropLast(5))
                if label == "ENCRYPTED PRIVATE KEY" {
                    throw CryptoError.invalidPEM("encrypted private keys are not supported; decrypt with `openssl pkey` first")
                }
                if !accepted.contains(label) && !skippable.contains(label) {
                    let expected = accepted.sorted().joined(separator: " or ")
                    throw CryptoError.invalidPEM("found a \(label) block where \(expected) was expected")
                }
                currentLabel = label
            } else {
                throw CryptoError.invalidPEM("line \(lineNumber): unexpected text outside a PEM block")
            }
        }
        if let label = currentLabel {
            throw CryptoError.invalidPEM("missing -----END \(label)-----")
        }
        guard let found else {
            let expected = accepted.sorted().joined(separator: " or ")
            throw CryptoError.invalidPEM("no -----BEGIN \(expected)----- block found")
        }
        return found
    }
}

extension StringProtocol {
    /// The string without leading and trailing spaces, tabs and line breaks.
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
