/// `lot.create`: a new lot (raw material, ingredient or product) held by its creator.
public struct LotCreate: Sendable {
    public let lot: LotID
    public let product: String
    public let materialClass: String
    public let quantity: Quantity
    public let facility: String?
    public let attributes: JSONValue?

    init(_ r: inout FieldReader) throws(SchemaError) {
        lot = try r.lot("lot")
        product = try r.string("product")
        materialClass = try r.identifier("class")
        quantity = try r.quantity("quantity")
        facility = try r.optionalIdentifier("facility")
        attributes = r.optionalValue("attributes")
        if let a = attributes, a.objectValue == nil {
            throw SchemaError(path: r.childPath("attributes"), problem: "expected an object")
        }
    }
}

/// One output of a transformation: a new lot with what it is and how much.
public struct TransformOutput: Sendable {
    public let lot: LotID
    public let product: String
    public let materialClass: String
    public let quantity: Quantity
}

/// `lot.transform`: inputs consumed (with quantities) into new output lots: ingredient to product.
public struct LotTransform: Sendable {
    public let inputs: [LotQuantity]
    public let outputs: [TransformOutput]
    public let process: String?
    public let facility: String?

    init(_ r: inout FieldReader) throws(SchemaError) {
        inputs = try r.lotQuantities("inputs")
        outputs = try r.array("outputs") { (v, path) throws(SchemaError) -> TransformOutput in
            var o = try FieldReader(v, path: path)
            let out = TransformOutput(lot: try o.lot("lot"), product: try o.string("product"),
                                      materialClass: try o.identifier("class"), quantity: try o.quantity("quantity"))
            try o.finish()
            return out
        }
        process = try r.optionalString("process")
        facility = try r.optionalIdentifier("facility")
        var seen = Set(inputs.map(\.lot))
        for (i, out) in outputs.enumerated() where !seen.insert(out.lot).inserted {
            throw SchemaError(path: "body.outputs[\(i)].lot", problem: "lot \(out.lot) appears twice among inputs and outputs")
        }
    }
}

/// `lot.aggregate` / `lot.disaggregate`: pack lots into a container or logistic unit
/// (an SSCC, a pallet), or unpack them. The parent is created on first aggregation as a
/// container of 1 pcs held by the packer.
public struct LotAggregation: Sendable {
    public let parent: LotID
    public let children: [LotQuantity]

    init(_ r: inout FieldReader) throws(SchemaError) {
        parent = try r.lot("parent")
        children = try r.lotQuantities("children")
        if let i = children.firstIndex(where: { $0.lot == parent }) {
            throw SchemaError(path: "body.children[\(i)].lot", problem: "a container cannot contain itself")
        }
    }
}
