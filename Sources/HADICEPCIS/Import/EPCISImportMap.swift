import HADICCore

/// What an EPCIS document cannot say in HADIC's terms, given by the importer (`--map FILE`,
/// docs/EPCIS.md "Import"): which HADIC party each EPCIS party identifier (PGLN, SGLN or any
/// URI in a source or destination list) names, and the product name and material class of
/// each GTIN the document creates lots of.
///
/// Guarantees: every party is a valid party id; every product has a non-empty name and class;
/// party identifiers are matched as written and in their normalised form (an EPC URN and its
/// GS1 Digital Link name the same party); GTINs are 14 digits.
public struct EPCISImportMap: Sendable {
    public struct Product: Sendable {
        public let product: String
        public let materialClass: String
    }

    public private(set) var parties: [String: PartyID] = [:]
    public private(set) var products: [String: Product] = [:]

    public init() {}

    /// Reads `{"parties": {"<EPCIS id>": "<party>"}, "products": {"<GTIN-14>": {"product": …, "class": …}}}`.
    public init(json: JSONValue) throws(SchemaError) {
        var r = try FieldReader(json, path: "map")
        if var p = try r.optionalObject("parties") {
            for id in p.keys.sorted() {
                let party = try p.party(id)
                parties[id] = party
                parties[EPCISIdentifier.normalised(id)] = party
            }
            try p.finish()
        }
        if var p = try r.optionalObject("products") {
            for gtin in p.keys.sorted() {
                guard gtin.utf8.count == 14, gtin.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                    throw SchemaError(path: p.childPath(gtin), problem: "expected a GTIN of 14 digits as the key")
                }
                var entry = try p.object(gtin)
                products[gtin] = Product(product: try entry.string("product"), materialClass: try entry.identifier("class"))
                try entry.finish()
            }
            try p.finish()
        }
        try r.finish()
    }

    /// The HADIC party an EPCIS party identifier names, if the map names one.
    public func party(_ epcisID: String) -> PartyID? {
        parties[epcisID] ?? parties[EPCISIdentifier.normalised(epcisID)]
    }
}
