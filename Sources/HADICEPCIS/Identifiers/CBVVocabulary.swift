/// The CBV 2.0 vocabularies whose values JSON-LD writes as bare words (`shipping`,
/// `in_transit`, `po`, `owning_party`, `Temperature`), with the URI prefix a bare word expands
/// to (the EPCIS 2.0 JSON-LD context's `@vocab` term definitions, CBV 2.0 section 8.9 rule 16).
public enum CBVVocabulary: String, CaseIterable, Sendable {
    case bizStep
    case disposition
    case bizTransactionType
    case sourceDestType
    case errorReason
    case sensorMeasurementType
    case sensorException
    case sensorComponent

    /// The URI a bare word of this vocabulary is appended to.
    public var uriPrefix: String {
        switch self {
        case .bizStep: return "https://ref.gs1.org/cbv/BizStep-"
        case .disposition: return "https://ref.gs1.org/cbv/Disp-"
        case .bizTransactionType: return "https://ref.gs1.org/cbv/BTT-"
        case .sourceDestType: return "https://ref.gs1.org/cbv/SDT-"
        case .errorReason: return "https://ref.gs1.org/cbv/ER-"
        case .sensorMeasurementType, .sensorException: return "https://gs1.org/voc/"
        case .sensorComponent: return "https://ref.gs1.org/cbv/Comp-"
        }
    }

    /// The EPCIS 1.x URN prefixes (`urn:epcglobal:cbv:bizstep:`) and the web URI prefixes
    /// that replace them (CBV 2.0 section 8.9 rule 14).
    static let urnPrefixes: [(urn: String, web: String)] = [
        ("urn:epcglobal:cbv:bizstep:", "https://ref.gs1.org/cbv/BizStep-"),
        ("urn:epcglobal:cbv:disp:", "https://ref.gs1.org/cbv/Disp-"),
        ("urn:epcglobal:cbv:btt:", "https://ref.gs1.org/cbv/BTT-"),
        ("urn:epcglobal:cbv:sdt:", "https://ref.gs1.org/cbv/SDT-"),
        ("urn:epcglobal:cbv:er:", "https://ref.gs1.org/cbv/ER-"),
    ]

    /// `value` as a full URI: one of this vocabulary's bare words (``terms``) is appended to
    /// ``uriPrefix``; anything else goes through ``EPCISIdentifier/expandedURI(_:namespaces:)``
    /// (so an unknown bare word stays as it is, and is no URI).
    public func uri(_ value: String, namespaces: [String: String] = EPCISNamespaces.standard) -> String {
        if terms.contains(value) { return uriPrefix + value }
        return EPCISIdentifier.expandedURI(value, namespaces: namespaces)
    }

    /// A name for messages.
    public var displayName: String {
        switch self {
        case .bizStep: return "business step"
        case .disposition: return "disposition"
        case .bizTransactionType: return "business transaction type"
        case .sourceDestType: return "source/destination type"
        case .errorReason: return "error reason"
        case .sensorMeasurementType: return "measurement type"
        case .sensorException: return "sensor exception"
        case .sensorComponent: return "component"
        }
    }
}
