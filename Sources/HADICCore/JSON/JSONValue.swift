/// An immutable JSON value in the I-JSON (RFC 7493) data model, the unit HADIC parses, signs
/// and hashes.
///
/// Guarantees:
/// - Every value is representable in RFC 8785 canonical form: numbers are finite
///   (``JSONNumber``), strings are valid Unicode (Swift `String`), object names are unique.
/// - ``canonicalBytes`` is the one RFC 8785 (JCS) serialization, and
///   `JSONValue.parse(v.canonicalBytes) == v` for every value `v`.
/// - Equality is structural and exact: strings and object names compare by their Unicode
///   scalars (byte for byte in UTF-8, not by Swift's canonical equivalence), numbers by their
///   IEEE-754 value (`+0 == -0`), objects regardless of member order. So two values are
///   equal exactly when their canonical bytes are equal. Hashing is consistent with it.
/// - `parse` accepts only strict RFC 8259 text
///   within I-JSON; see ``JSONParseError`` for what is refused.
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    // MARK: - Accessors

    /// The member named `key` when this is an object that has it; nil otherwise.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self, let index = members.index(forKey: key),
              members[index].key.utf8.elementsEqual(key.utf8)
        else { return nil }
        return members[index].value
    }

    /// The element at `index` when this is an array and `index` is in range; nil otherwise.
    public subscript(index: Int) -> JSONValue? {
        guard case .array(let items) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var numberValue: JSONNumber? {
        if case .number(let n) = self { return n }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let o) = self { return o }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    // MARK: - Parsing

    /// Parses exactly one strict JSON document from UTF-8 bytes.
    ///
    /// Contiguous collections (`[UInt8]`, `ArraySlice`, `Data`, `String.UTF8View`, …) are
    /// parsed in place; others are copied into an array first.
    @inlinable
    public static func parse(_ bytes: some Collection<UInt8>, limits: JSONLimits = .default) throws(JSONParseError) -> JSONValue {
        if let result = bytes.withContiguousStorageIfAvailable({ JSONParser.parseResult($0, limits: limits) }) {
            return try result.get()
        }
        let count = bytes.count
        guard count <= limits.maxBytes else { throw .tooLarge(byteCount: count, maxBytes: limits.maxBytes) }
        return try Array(bytes).withUnsafeBufferPointer { JSONParser.parseResult($0, limits: limits) }.get()
    }

    /// Parses exactly one strict JSON document from the UTF-8 of `text`.
    public static func parse(_ text: String, limits: JSONLimits = .default) throws(JSONParseError) -> JSONValue {
        try parse(text.utf8, limits: limits)
    }

    // MARK: - Output

    /// The RFC 8785 canonical serialization, as UTF-8 bytes.
    public var canonicalBytes: [UInt8] {
        CanonicalJSON.encode(self)
    }

    /// The RFC 8785 canonical serialization, as a String.
    public var canonicalString: String {
        String(decoding: canonicalBytes, as: UTF8.self)
    }

    /// Human-oriented output: members sorted as in JCS, two-space indentation, JCS string
    /// escaping and number forms, no trailing newline. See ``JSONPrettyPrinter``.
    public func prettyPrinted() -> String {
        JSONPrettyPrinter.string(for: self)
    }

    // MARK: - Equality

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null):
            return true
        case let (.bool(a), .bool(b)):
            return a == b
        case let (.number(a), .number(b)):
            return a == b
        case let (.string(a), .string(b)):
            return a.utf8.elementsEqual(b.utf8)
        case let (.array(a), .array(b)):
            return a == b
        case let (.object(a), .object(b)):
            guard a.count == b.count else { return false }
            for (key, value) in a {
                guard let index = b.index(forKey: key) else { return false }
                let other = b[index]
                guard other.key.utf8.elementsEqual(key.utf8), other.value == value else { return false }
            }
            return true
        default:
            return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        // Byte-equal strings are canonically equivalent, so String's hash is consistent with ==.
        switch self {
        case .null:
            hasher.combine(0 as UInt8)
        case .bool(let b):
            hasher.combine(1 as UInt8)
            hasher.combine(b)
        case .number(let n):
            hasher.combine(2 as UInt8)
            hasher.combine(n)
        case .string(let s):
            hasher.combine(3 as UInt8)
            hasher.combine(s)
        case .array(let a):
            hasher.combine(4 as UInt8)
            hasher.combine(a)
        case .object(let o):
            hasher.combine(5 as UInt8)
            hasher.combine(o)
        }
    }
}

extension JSONValue: CustomStringConvertible {
    /// The canonical (RFC 8785) text.
    public var description: String { canonicalString }
}

// MARK: - Literals

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) {
        self = .null
    }

    public init(booleanLiteral value: Bool) {
        self = .bool(value)
    }

    public init(integerLiteral value: Int) {
        self = .number(JSONNumber(value))
    }

    public init(floatLiteral value: Double) {
        self = .number(JSONNumber(value))
    }

    public init(stringLiteral value: String) {
        self = .string(value)
    }

    public init(arrayLiteral elements: JSONValue...) {
        self = .array(elements)
    }

    /// A repeated key keeps its last value (Swift cannot reject it at compile time, and a
    /// literal must not trap).
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
