import HADICCore

/// Builds the EPCIS 2.0 JSON-LD document of a ledger's events (docs/EPCIS.md, "Export").
///
/// Feed it every event of the ledger in ledger order (``feed(_:leafIndex:recordTime:)``), then
/// ask for the ``document(creationDate:)``. Guarantees:
/// - the document is an `EPCISDocument` with `@context` (GS1's EPCIS 2.0 context, then one
///   object binding every prefix an imported event uses, and HADIC's own extension prefix:
///   `hadic`, or `hadicN` when an imported event took `hadic` for another namespace), `type`,
///   `schemaVersion` `"2.0"`, `creationDate` and `epcisBody.eventList`, events in ledger order;
/// - an event imported from EPCIS (its body has `epcis`) is written as the kept original,
///   unchanged, so exporting what was imported gives the same events;
/// - every other event is mapped by ``EPCISEventMapping`` and gets `eventID` = its CBV 2.0
///   event hash, computed under the document's own `@context`, and `certificationInfo` = the
///   certificates its actor (and a shipment's carrier) held at its time;
/// - a lot's export holds the `event.declare-error` events that declare one of its events
///   erroneous (they carry their original EPCIS event, with its `errorDeclaration`);
/// - the same ledger and scope give the same document but for `creationDate`.
public struct EPCISExporter: Sendable {
    /// The JSON-LD context of GS1 EPCIS 2.0 (the standard's published context document).
    public static let standardContext = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"

    private struct Record: Sendable {
        let envelope: EventEnvelope
        let facts: EPCISEventMapping.Facts
    }

    public let scope: EPCISExportScope
    private var records: [Record] = []
    private var linksByLot: [LotID: [LotLink]] = [:]
    private var linksAt: [UInt64: [LotLink]] = [:]
    private var register = EPCISCertificateRegister()
    private var shippers: [EventID: PartyID] = [:]
    /// HADIC event id -> leaf indices of the `event.declare-error` events that declare it erroneous.
    private var declarations: [EventID: [UInt64]] = [:]

    public init(scope: EPCISExportScope) {
        self.scope = scope
    }

    /// Takes in the ledger's next event. Events must come in ledger order, each once: the
    /// certificates an event relies on and the shipper of a receipt are read from earlier ones.
    public mutating func feed(_ envelope: EventEnvelope, leafIndex: UInt64, recordTime: Timestamp?) {
        register.feed(envelope)
        var certificates = register.certificates(heldBy: envelope.actor, at: envelope.time)
        var shipper: PartyID?
        switch envelope.body {
        case .custodyShip(let b):
            shippers[envelope.id] = envelope.actor
            if let carrier = b.carrier {
                certificates = Array(Set(certificates + register.certificates(heldBy: carrier, at: envelope.time))).sorted()
            }
        case .custodyReceive(let b):
            shipper = shippers[b.shipment]
        case .eventDeclareError(let b):
            declarations[b.event, default: []].append(leafIndex)
        default:
            break
        }
        if case .lot = scope.events {
            let links = LotLink.links(of: envelope, at: leafIndex)
            for link in links { linksByLot[link.lot, default: []].append(link) }
            if !links.isEmpty { linksAt[leafIndex] = links }
        }
        records.append(Record(envelope: envelope, facts: .init(leafIndex: leafIndex, recordTime: recordTime,
                                                                certificates: certificates, shipper: shipper)))
    }

    /// The document of the events in scope.
    public func document(creationDate: Timestamp) throws(EPCISExportError) -> JSONValue {
        var namespaces: [String: String] = [:]
        var originals: [Int: JSONValue] = [:]
        let selected = try selectedRecords()
        // Imported events first: their prefixes join the document's @context, which the hashes of
        // the mapped events are computed under.
        for (i, record) in selected.enumerated() {
            guard let capture = record.envelope.bodyJSON["epcis"], let event = capture["event"] else { continue }
            for (prefix, iri) in (capture["namespaces"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
                guard let iri = iri.stringValue else { continue }
                if let standard = EPCISNamespaces.standard[prefix] {
                    guard standard == iri else { throw .conflictingNamespace(prefix: prefix, first: standard, second: iri) }
                    continue
                }
                if let bound = namespaces[prefix], bound != iri {
                    throw .conflictingNamespace(prefix: prefix, first: bound, second: iri)
                }
                namespaces[prefix] = iri
            }
            originals[i] = event
        }
        let prefix = Self.ownPrefix(besides: namespaces)
        namespaces[prefix] = HADICURI.namespace
        let context: JSONValue = .array([.string(Self.standardContext), .object(namespaces.mapValues { .string($0) })])
        var events: [JSONValue] = []
        for (i, record) in selected.enumerated() {
            if let original = originals[i] {
                events.append(original)
                continue
            }
            guard case .object(var event)? = try EPCISEventMapping.event(for: record.envelope, facts: record.facts, prefix: prefix) else { continue }
            event["eventID"] = .string(try EPCISExportHash.eventID(of: .object(event), context: context, hadicEvent: record.envelope.id.hex))
            events.append(.object(event))
        }
        return .object([
            "@context": context,
            "type": "EPCISDocument",
            "schemaVersion": "2.0",
            "creationDate": .string(creationDate.text),
            "epcisBody": .object(["eventList": .array(events)]),
        ])
    }

    /// `hadic`, or when imported events bind that prefix to another namespace, the first of
    /// `hadic1`, `hadic2`, ... they leave free (an original event's names cannot change).
    static func ownPrefix(besides namespaces: [String: String]) -> String {
        var candidate = HADICURI.prefix
        var n = 0
        while let bound = namespaces[candidate], bound != HADICURI.namespace {
            n += 1
            candidate = "\(HADICURI.prefix)\(n)"
        }
        return candidate
    }

    /// The records in scope, in ledger order.
    private func selectedRecords() throws(EPCISExportError) -> [Record] {
        var chosen: [Record]
        switch scope.events {
        case .all:
            chosen = records
        case .lot(let lot, let closure):
            guard linksByLot[lot] != nil else { throw .unknownLot(lot.rawValue) }
            let lots = closure ? EPCISLotClosure.lots(of: lot, links: linksByLot, linksAt: linksAt) : [lot]
            var leaves: Set<UInt64> = []
            for l in lots { for link in linksByLot[l] ?? [] { leaves.insert(link.leafIndex) } }
            // An error declaration touches no lot, but whoever reads a lot's events must learn
            // that one of them was declared not to have happened as recorded.
            for record in records where leaves.contains(record.facts.leafIndex) {
                leaves.formUnion(declarations[record.envelope.id] ?? [])
            }
            chosen = records.filter { leaves.contains($0.facts.leafIndex) }
        }
        if let since = scope.since { chosen = chosen.filter { !($0.envelope.time < since) } }
        return chosen
    }
}
