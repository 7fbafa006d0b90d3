import HADICCore

/// The rules of a halal claim (../shared/DOMAIN.md, "When is a lot's halal claim supported by
/// evidence?"), in the order an assessment reports them.
public enum AssessmentRule: String, CaseIterable, Sendable {
    case signature = "R-SIG"
    case custody = "R-CUSTODY"
    case massBalance = "R-MASS"
    case certificateValid = "R-CERT-VALID"
    case issuer = "R-ISSUER"
    case logistics = "R-LOGISTICS"
    case billOfMaterials = "R-BOM"
    case critical = "R-CRITICAL"
    case slaughter = "R-SLAUGHTER"
    case composition = "R-COMPOSITION"
    case segregation = "R-SEGREGATION"
    case sertu = "R-SERTU"
    case ethanol = "R-ETHANOL"
    case selfDeclare = "R-SELF-DECLARE"
    case nonconformity = "R-NONCONFORM"
    case name = "R-NAME"
    case labTest = "R-LABTEST"

    /// Its place in ``allCases`` (the report's order).
    /// Its index in ``allCases`` (rules record results thousands of times per assessment: no hashing).
    var position: Int {
        switch self {
        case .signature: return 0
        case .custody: return 1
        case .massBalance: return 2
        case .certificateValid: return 3
        case .issuer: return 4
        case .logistics: return 5
        case .billOfMaterials: return 6
        case .critical: return 7
        case .slaughter: return 8
        case .composition: return 9
        case .segregation: return 10
        case .sertu: return 11
        case .ethanol: return 12
        case .selfDeclare: return 13
        case .nonconformity: return 14
        case .name: return 15
        case .labTest: return 16
        }
    }

    /// One line saying what the rule asks.
    public var summary: String {
        switch self {
        case .signature: return "every event is signed by a key registered to its actor and valid at that time"
        case .custody: return "every change of holder is a matched ship and receive, with times moving forward"
        case .massBalance: return "nothing is consumed or shipped beyond what was made; no unexplained gain in a transformation"
        case .certificateValid: return "producers and handlers held an active certificate covering the work at the event time"
        case .issuer: return "each certificate relied on comes from a body the market recognises at that time"
        case .logistics: return "carriers and warehouses are halal-certified where required, else transport is declared segregated"
        case .billOfMaterials: return "every input is on the positive list, covered by its supplier's certificate, or itself supported"
        case .critical: return "critical inputs are never accepted by the positive list"
        case .slaughter: return "animal-derived inputs trace back to a certified slaughter"
        case .composition: return "inputs match the composition the producer's certificate covers"
        case .segregation: return "never sharing a container, shipment or storage place with non-halal goods"
        case .sertu: return "assets that touched severe najis were ritually cleansed (sertu) before the next halal use"
        case .ethanol: return "recorded ethanol content is under the market's threshold"
        case .selfDeclare: return "self-declared certificates cover only simple products from listed or certified inputs"
        case .nonconformity: return "no unresolved incident or recall on the lot or anything upstream, and no event it rests on declared erroneous"
        case .name: return "no product name matches a haram term (flagged for human review)"
        case .labTest: return "lab results the market requires are recorded and clear"
        }
    }
}

/// A rule's answer. Anything but `pass` means the claim is not supported.
public enum RuleOutcome: String, Sendable, Comparable {
    case pass, unknown, fail

    public static func < (a: RuleOutcome, b: RuleOutcome) -> Bool { a.rank < b.rank }
    private var rank: Int { self == .pass ? 0 : self == .unknown ? 1 : 2 }
}

/// One rule's answer for one assessment, with the evidence it used and, unless it passed,
/// the problems found, each naming the lot and the event behind it.
public struct RuleResult: Sendable {
    public struct Problem: Sendable, Equatable {
        public let outcome: RuleOutcome
        public let message: String
        public let lot: LotIDText?
        public let event: String?
    }

    public let rule: AssessmentRule
    public private(set) var problems: [Problem] = []
    /// What the rule looked at: lots, events (hex ids) and certificates (`issuer/number`).
    public private(set) var lots: Set<String> = []
    public private(set) var events: Set<String> = []
    public private(set) var certificates: Set<String> = []
    /// A short account of what passed, e.g. "24 events checked".
    public var note: String = ""

    /// How many problems a result lists at most (the verdict is decided by the first).
    static let problemLimit = 200
    /// A share of a result, to be merged into it (``absorb(_:)``): it keeps every problem and
    /// leaves listing their lots and events to the merge, which applies the limit.
    private var partial = false

    public init(rule: AssessmentRule) { self.rule = rule }

    init(rule: AssessmentRule, partial: Bool) {
        self.rule = rule
        self.partial = partial
    }

    public var outcome: RuleOutcome { problems.map(\.outcome).max() ?? .pass }

    mutating func fail(_ message: String, lot: String? = nil, event: String? = nil) {
        add(Problem(outcome: .fail, message: message, lot: lot, event: event))
    }

    mutating func unknown(_ message: String, lot: String? = nil, event: String? = nil) {
        add(Problem(outcome: .unknown, message: message, lot: lot, event: event))
    }

    private mutating func add(_ p: Problem) {
        // The same problem reached along two paths of a DAG is reported once.
        guard !problems.contains(p), partial || problems.count < Self.problemLimit else { return }
        problems.append(p)
        guard !partial else { return }
        if let lot = p.lot { lots.insert(lot) }
        if let e = p.event { events.insert(e) }
    }

    // Rules name the same lots and events thousands of times: they are listed as they come
    // (events as ids, written in hex only once) and put into the sets when the rule is done.
    private var usedLots: [LotID] = []
    private var usedEvents: [EventID] = []

    mutating func used(lot: LotID) { usedLots.append(lot) }
    mutating func used(event: EventID) { usedEvents.append(event) }
    mutating func used(event: String) { events.insert(event) }
    mutating func used(certificate: String) { certificates.insert(certificate) }

    /// Adds what a later check of the same rule found (a partial result), as if it had run
    /// after this one on the same result: problems in order, each once, up to the limit, with
    /// the lots and events of those kept; what it used; the later note.
    mutating func absorb(_ later: RuleResult) {
        precondition(later.partial && !partial, "absorb merges a partial result into a whole one")
        for p in later.problems { add(p) }
        lots.formUnion(later.lots)
        events.formUnion(later.events)
        certificates.formUnion(later.certificates)
        if !later.note.isEmpty { note = later.note }
    }

    /// Moves what ``used(lot:)`` and ``used(event:)`` listed into ``lots`` and ``events``.
    mutating func collectUsed() {
        // A lot's text is at hand: its set is the only one it is hashed into. An event's hex
        // is written once per distinct id.
        lots.reserveCapacity(lots.count + usedLots.count)
        for lot in usedLots { lots.insert(lot.rawValue) }
        var seenEvents = Set<EventID>()
        for e in usedEvents where seenEvents.insert(e).inserted { events.insert(e.hex) }
        usedLots = []
        usedEvents = []
    }
}

/// Lot ids as text in results, so they read the same in text and JSON.
public typealias LotIDText = String
