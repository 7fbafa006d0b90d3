/// Reads the fields of one JSON object by name, remembering where it is in the document.
///
/// Every accessor throws a ``SchemaError`` naming the exact path of the field that is missing
/// or of the wrong type, and ``finish()`` refuses fields nobody asked for: a body with an
/// unknown field is a schema error, never silently ignored (what is signed is what is read).
public struct FieldReader {
    public let path: String
    private let fields: [String: JSONValue]
    /// The keys asked for, present or not. An array: objects have a few fields, and comparing
    /// short strings costs less than hashing them (every event a node takes in is read so).
    private var consumed: [String] = []
    /// How many of the keys asked for are present: all of them means no unknown field.
    private var consumedPresent = 0

    public init(_ value: JSONValue, path: String) throws(SchemaError) {
        guard case .object(let fields) = value else {
            throw SchemaError(path: path, problem: "expected an object")
        }
        self.path = path
        self.fields = fields
    }

    public var keys: Dictionary<String, JSONValue>.Keys { fields.keys }

    /// Whether the object has a member `key` (null included), without reading it.
    public func hasField(_ key: String) -> Bool { fields[key] != nil }

    private func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    public mutating func optionalValue(_ key: String) -> JSONValue? {
        let found = fields[key]
        if !consumed.contains(key) {
            consumed.append(key)
            if found != nil { consumedPresent += 1 }
        }
        guard let value = found else { return nil }
        if case .null = value { return nil }
        return value
    }

    public mutating func value(_ key: String) throws(SchemaError) -> JSONValue {
        guard let value = optionalValue(key) else {
            throw SchemaError(path: fieldPath(key), problem: "required field is missing")
        }
        return value
    }

    public mutating func string(_ key: String, maxLength: Int = Limits.maxTextBytes) throws(SchemaError) -> String {
        guard let s = try optionalString(key, maxLength: maxLength) else {
            throw SchemaError(path: fieldPath(key), problem: "required field is missing")
        }
        return s
    }

    public mutating func optionalString(_ key: String, maxLength: Int = Limits.maxTextBytes) throws(SchemaError) -> String? {
        guard let value = optionalValue(key) else { return nil }
        guard case .string(let s) = value else {
            throw SchemaError(path: fieldPath(key), problem: "expected a string")
        }
        guard !s.isEmpty else { throw SchemaError(path: fieldPath(key), problem: "must not be empty") }
        guard s.utf8.count <= maxLength else {
            throw SchemaError(path: fieldPath(key), problem: "longer than \(maxLength) bytes")
        }
        return s
    }

    public mutating func optionalBool(_ key: String) throws(SchemaError) -> Bool? {
        guard let value = optionalValue(key) else { return nil }
        guard case .bool(let b) = value else {
            throw SchemaError(path: fieldPath(key), problem: "expected true or false")
        }
        return b
    }

    public mutating func integer(_ key: String, in range: ClosedRange<Int64>) throws(SchemaError) -> Int64 {
        guard let v = try optionalInteger(key, in: range) else {
            throw SchemaError(path: fieldPath(key), problem: "required field is missing")
        }
        return v
    }

    public mutating func optionalInteger(_ key: String, in range: ClosedRange<Int64>) throws(SchemaError) -> Int64? {
        guard let value = optionalValue(key) else { return nil }
        guard case .number(let n) = value, let i = n.int64Value else {
            throw SchemaError(path: fieldPath(key), problem: "expected an integer")
        }
        guard range.contains(i) else {
            throw SchemaError(path: fieldPath(key), problem: "must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return i
    }

    /// An array field with 1...maxCount elements, each read by `element` with its indexed path.
    public mutating func array<T>(
        _ key: String, maxCount: Int = Limits.maxListCount, allowEmpty: Bool = false,
        _ element: (JSONValue, String) throws(SchemaError) -> T
    ) throws(SchemaError) -> [T] {
        guard let value = optionalValue(key) else {
            if allowEmpty { return [] }
            throw SchemaError(path: fieldPath(key), problem: "required field is missing")
        }
        guard case .array(let items) = value else {
            throw SchemaError(path: fieldPath(key), problem: "expected an array")
        }
        guard allowEmpty || !items.isEmpty else {
            throw SchemaError(path: fieldPath(key), problem: "must not be empty")
        }
        guard items.count <= maxCount else {
            throw SchemaError(path: fieldPath(key), problem: "more than \(maxCount) entries")
        }
        var out: [T] = []
        out.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            out.append(try element(item, "\(fieldPath(key))[\(i)]"))
        }
        return out
    }

    public mutating func object(_ key: String) throws(SchemaError) -> FieldReader {
        try FieldReader(try value(key), path: fieldPath(key))
    }

    public mutating func optionalObject(_ key: String) throws(SchemaError) -> FieldReader? {
        guard let value = optionalValue(key) else { return nil }
        return try FieldReader(value, path: fieldPath(key))
    }

    /// Refuses any field that was not read: the schema is closed.
    public func finish() throws(SchemaError) {
        guard consumedPresent != fields.count else { return }
        let unknown = fields.keys.filter { !consumed.contains($0) }.sorted()
        if let first = unknown.first {
            throw SchemaError(path: fieldPath(first), problem: "unknown field")
        }
    }

    /// Reads a field through a parser that may throw SchemaError-producing messages.
    /// `expected` describes the valid values, for the error; it is made only when the value is
    /// refused (some lists are built from every case: a quantity's unit is read with every event).
    public mutating func parsed<T>(
        _ key: String, _ parse: (String) -> T?, expected: @autoclosure () -> String
    ) throws(SchemaError) -> T {
        let s = try string(key)
        guard let v = parse(s) else { throw SchemaError(path: fieldPath(key), problem: "expected \(expected()), got \"\(s.prefix(80))\"") }
        return v
    }

    public mutating func optionalParsed<T>(
        _ key: String, _ parse: (String) -> T?, expected: @autoclosure () -> String
    ) throws(SchemaError) -> T? {
        guard let s = try optionalString(key) else { return nil }
        guard let v = parse(s) else { throw SchemaError(path: fieldPath(key), problem: "expected \(expected()), got \"\(s.prefix(80))\"") }
        return v
    }

    public func childPath(_ key: String) -> String { fieldPath(key) }
}
