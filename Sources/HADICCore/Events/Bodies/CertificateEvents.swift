/// What a certificate covers: any of the holder's products, material classes, GTINs,
/// facilities, or logistics services (MS2400-style).
public struct CertificateScope: Hashable, Sendable {
    public let products: [String]
    public let classes: [String]
    public let gtins: [String]
    public let facilities: [String]
    public let services: [String]

    init(_ r: inout FieldReader) throws(SchemaError) {
        products = try r.stringList("products")
        classes = try r.stringList("classes")
        gtins = try r.stringList("gtins")
        facilities = try r.stringList("facilities")
        services = try r.stringList("services")
        try r.finish()
        if products.isEmpty && classes.isEmpty && gtins.isEmpty && facilities.isEmpty && services.isEmpty {
            throw SchemaError(path: r.path, problem: "a scope must name at least one product, class, gtin, facility or service")
        }
    }
}

/// `cert.issue` (certifier): a halal certificate for a holder, with scope and validity window.
public struct CertIssue: Sendable {
    public let number: String
    public let holder: PartyID
    public let scheme: String?
    public let scope: CertificateScope
    public let validFrom: Timestamp
    public let validUntil: Timestamp
    public let composition: [String]
    public let selfDeclared: Bool

    init(_ r: inout FieldReader) throws(SchemaError) {
        number = try r.identifier("number")
        holder = try r.party("holder")
        scheme = try r.optionalIdentifier("scheme")
        var s = try r.object("scope")
        scope = try CertificateScope(&s)
        validFrom = try r.time("valid_from")
        validUntil = try r.time("valid_until")
        composition = try r.stringList("composition")
        selfDeclared = try r.optionalBool("self_declared") ?? false
        guard validFrom < validUntil else {
            throw SchemaError(path: r.childPath("valid_until"), problem: "must be after valid_from")
        }
    }
}

/// `cert.suspend` / `cert.revoke` (the issuing certifier): a status change of one of its certificates.
public struct CertStatusChange: Sendable {
    public let number: String
    public let reason: String

    init(_ r: inout FieldReader) throws(SchemaError) {
        number = try r.identifier("number")
        reason = try r.string("reason")
    }
}
