import HADICCore

/// One event of an EPCIS 2.0 document, as written and as read.
///
/// Guarantees: `original` is the event's JSON exactly as in the document, never modified (what
/// HADIC keeps and signs); every typed accessor was read from it and checked at parse time by
/// ``EPCISDocument/parse(_:)`` (times normalised, identifiers well formed, bare CBV words of
/// `bizStep`, `disposition`, transaction/source/destination types and error reasons expanded to
/// full URIs, quantities as exact decimal text). Absent fields are nil or empty lists.
public struct EPCISEvent: Hashable, Sendable {
    /// The zero-based position in the document's event list.
    public let index: Int
    public let type: EPCISEventType
    /// The event's JSON exactly as in the document.
    public let original: JSONValue

    public let eventID: String?
    public let eventTime: EPCISEventTime
    public let recordTime: EPCISTime?
    /// Nil only for TransformationEvent, which has no action.
    public let action: EPCISAction?
    public let bizStep: String?
    public let disposition: String?
    public let persistentDisposition: EPCISPersistentDisposition?
    public let readPoint: String?
    public let bizLocation: String?
    public let epcList: [String]
    public let parentID: String?
    public let childEPCs: [String]
    public let inputEPCList: [String]
    public let outputEPCList: [String]
    public let quantityList: [EPCISQuantity]
    public let childQuantityList: [EPCISQuantity]
    public let inputQuantityList: [EPCISQuantity]
    public let outputQuantityList: [EPCISQuantity]
    public let sourceList: [EPCISSourceDest]
    public let destinationList: [EPCISSourceDest]
    public let bizTransactionList: [EPCISBizTransaction]
    public let transformationID: String?
    public let errorDeclaration: EPCISErrorDeclaration?
    /// The `certificationInfo` URIs (EPCIS 2.0 allows one or a list), in document order.
    public let certificationInfo: [String]

    /// Member-wise; used by the reader.
    init(index: Int, type: EPCISEventType, original: JSONValue, eventID: String?, eventTime: EPCISEventTime,
         recordTime: EPCISTime?, action: EPCISAction?, bizStep: String?, disposition: String?,
         persistentDisposition: EPCISPersistentDisposition?, readPoint: String?, bizLocation: String?,
         epcList: [String], parentID: String?, childEPCs: [String], inputEPCList: [String], outputEPCList: [String],
         quantityList: [EPCISQuantity], childQuantityList: [EPCISQuantity], inputQuantityList: [EPCISQuantity],
         outputQuantityList: [EPCISQuantity], sourceList: [EPCISSourceDest], destinationList: [EPCISSourceDest],
         bizTransactionList: [EPCISBizTransaction], transformationID: String?,
         errorDeclaration: EPCISErrorDeclaration?, certificationInfo: [String]) {
        self.index = index
        self.type = type
        self.original = original
        self.eventID = eventID
        self.eventTime = eventTime
        self.recordTime = recordTime
        self.action = action
        self.bizStep = bizStep
        self.disposition = disposition
        self.persistentDisposition = persistentDisposition
        self.readPoint = readPoint
        self.bizLocation = bizLocation
        self.epcList = epcList
        self.parentID = parentID
        self.childEPCs = childEPCs
        self.inputEPCList = inputEPCList
        self.outputEPCList = outputEPCList
        self.quantityList = quantityList
        self.childQuantityList = childQuantityList
        self.inputQuantityList = inputQuantityList
        self.outputQuantityList = outputQuantityList
        self.sourceList = sourceList
        self.destinationList = destinationList
        self.bizTransactionList = bizTransactionList
        self.transformationID = transformationID
        self.errorDeclaration = errorDeclaration
        self.certificationInfo = certificationInfo
    }
}
