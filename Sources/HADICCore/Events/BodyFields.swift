import HADICCrypto

/// Readers for the field shapes that several event bodies share.
extension FieldReader {
    public mutating func party(_ key: String) throws(SchemaError) -> PartyID {
        try parsed(key, { PartyID($0) }, expected: "a party id (lowercase letters, digits, '-', at most 64)")
    }

    public mutating func optionalParty(_ key: String) throws(SchemaError) -> PartyID? {
        try optionalParsed(key, { PartyID($0) }, expected: "a party id (lowercase letters, digits, '-', at most 64)")
    }

    public mutating func lot(_ key: String) throws(SchemaError) -> LotID {
        try parsed(key, { LotID($0) }, expected: "a lot id (EPC URN, GS1 Digital Link URI, or PARTY/LOCAL)")
    }

    public mutating func identifier(_ key: String) throws(SchemaError) -> String {
        try string(key, maxLength: Limits.maxIdentifierBytes)
    }

    public mutating func optionalIdentifier(_ key: String) throws(SchemaError) -> String? {
        try optionalString(key, maxLength: Limits.maxIdentifierBytes)
    }

    public mutating func time(_ key: String) throws(SchemaError) -> Timestamp {
        try parsed(key, { Timestamp($0) }, expected: "an RFC 3339 UTC time like 2026-11-29T05:00:00Z")
    }

    public mutating func eventID(_ key: String) throws(SchemaError) -> EventID {
        try parsed(key, { EventID(hex: $0) }, expected: "an event id (64 lowercase hex digits)")
    }

    public mutating func optionalEventID(_ key: String) throws(SchemaError) -> EventID? {
        try optionalParsed(key, { EventID(hex: $0) }, expected: "an event id (64 lowercase hex digits)")
    }

    public mutating func quantity(_ key: String) throws(SchemaError) -> Quantity {
        var q = try object(key)
        let unit = try q.parsed("unit", { QuantityUnit(rawValue: $0) },
                                expected: "one of " + QuantityUnit.allCases.map(\.rawValue).joined(separator: ", "))
        let amount = try q.string("amount", maxLength: 30)
        try q.finish()
        guard let quantity = Quantity(amount: amount, unit: unit) else {
            throw SchemaError(path: q.childPath("amount"),
                              problem: "expected a positive decimal like \"12.5\" (no exponent, at most micro-unit precision), got \"\(amount)\"")
        }
        return quantity
    }

    /// A list of `{"lot":..., "quantity":{...}}` with no lot named twice.
    public mutating func lotQuantities(_ key: String) throws(SchemaError) -> [LotQuantity] {
        let lines = try array(key) { (value, path) throws(SchemaError) -> LotQuantity in
            var r = try FieldReader(value, path: path)
            let line = LotQuantity(lot: try r.lot("lot"), quantity: try r.quantity("quantity"))
            try r.finish()
            return line
        }
        var seen = Set<LotID>()
        for (i, line) in lines.enumerated() where !seen.insert(line.lot).inserted {
            throw SchemaError(path: "\(childPath(key))[\(i)].lot", problem: "lot \(line.lot) is listed twice")
        }
        return lines
    }

    public mutating func stringList(_ key: String) throws(SchemaError) -> [String] {
        try array(key, allowEmpty: true) { (value, path) throws(SchemaError) -> String in
            guard case .string(let s) = value, !s.isEmpty, s.utf8.count <= Limits.maxIdentifierBytes else {
                throw SchemaError(path: path, problem: "expected a non-empty string of at most \(Limits.maxIdentifierBytes) bytes")
            }
            return s
        }
    }

    public mutating func publicKey(_ key: String) throws(SchemaError) -> PublicKey {
        let text = try string(key)
        guard let der = Base64.decode(text) else {
            throw SchemaError(path: childPath(key), problem: "expected base64 of a DER SubjectPublicKeyInfo")
        }
        do {
            return try PublicKey(spkiDER: der)
        } catch {
            throw SchemaError(path: childPath(key), problem: "not an Ed25519 or P-256 public key: \(error)")
        }
    }
}

/// One line of a list of lots with quantities.
public struct LotQuantity: Hashable, Sendable {
    public let lot: LotID
    public let quantity: Quantity

    public init(lot: LotID, quantity: Quantity) {
        self.lot = lot
        self.quantity = quantity
    }
}
