import HADICCrypto

/// `party.register` (admin): a new party with its role and first public key.
public struct PartyRegister: Sendable {
    public let party: PartyID
    public let name: String
    public let role: Role
    public let publicKey: PublicKey
    public let country: String?
    public let facilities: [String]

    init(_ r: inout FieldReader) throws(SchemaError) {
        party = try r.party("party")
        name = try r.string("name")
        role = try r.parsed("role", { Role(rawValue: $0) }, expected: "one of " + Role.allCases.map(\.rawValue).joined(separator: ", "))
        publicKey = try r.publicKey("public_key")
        country = try r.optionalString("country", maxLength: 2)
        facilities = try r.stringList("facilities")
    }
}

/// `party.rotate-key` (admin): adds a key to a party and may retire some of its old keys.
public struct PartyRotateKey: Sendable {
    public let party: PartyID
    public let publicKey: PublicKey
    public let retire: [String]

    init(_ r: inout FieldReader) throws(SchemaError) {
        party = try r.party("party")
        publicKey = try r.publicKey("public_key")
        retire = try r.array("retire", allowEmpty: true) { (v, path) throws(SchemaError) -> String in
            guard case .string(let s) = v, EventEnvelope.isLowerHex64(s) else {
                throw SchemaError(path: path, problem: "expected a key id (64 lowercase hex digits)")
            }
            return s
        }
    }
}

/// `party.revoke` (admin): the party may sign nothing from this point of the ledger on.
public struct PartyRevoke: Sendable {
    public let party: PartyID
    public let reason: String

    init(_ r: inout FieldReader) throws(SchemaError) {
        party = try r.party("party")
        reason = try r.string("reason")
    }
}
