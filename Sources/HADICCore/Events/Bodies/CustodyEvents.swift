/// `custody.ship`: the sender hands lots over to another party; they are in transit
/// until that party's matching `custody.receive`.
public struct CustodyShip: Sendable {
    public let to: PartyID
    public let lots: [LotQuantity]
    public let carrier: PartyID?
    public let vehicle: String?
    public let segregated: Bool?

    init(_ r: inout FieldReader) throws(SchemaError) {
        to = try r.party("to")
        lots = try r.lotQuantities("lots")
        carrier = try r.optionalParty("carrier")
        vehicle = try r.optionalIdentifier("vehicle")
        segregated = try r.optionalBool("segregated")
    }
}

/// `custody.receive`: the recipient confirms a shipment, naming the same lots and quantities.
public struct CustodyReceive: Sendable {
    public let shipment: EventID
    public let lots: [LotQuantity]
    public let storage: String?

    init(_ r: inout FieldReader) throws(SchemaError) {
        shipment = try r.eventID("shipment")
        lots = try r.lotQuantities("lots")
        storage = try r.optionalIdentifier("storage")
    }
}
