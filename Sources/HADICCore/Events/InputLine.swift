/// One line of JSON input (an envelope or a template), read under the documented limits.
enum InputLine {
    static func json(_ bytes: some Collection<UInt8>) throws(AdmissionError) -> JSONValue {
        guard bytes.count <= Limits.maxInputLineBytes else {
            throw AdmissionError(.tooLarge, "input line of \(bytes.count) bytes exceeds \(Limits.maxInputLineBytes)")
        }
        do {
            return try JSONValue.parse(bytes, limits: JSONLimits(maxDepth: Limits.maxDepth, maxBytes: Limits.maxInputLineBytes))
        } catch {
            throw AdmissionError(.schema, "not valid JSON: \(error)")
        }
    }

    /// Runs `body`, turning a ``SchemaError`` (or anything unexpected) into a `schema` refusal.
    static func refusingAsSchema<T>(_ body: () throws -> T) throws(AdmissionError) -> T {
        do {
            return try body()
        } catch let e as AdmissionError {
            throw e
        } catch let e as SchemaError {
            throw AdmissionError(.schema, e.description)
        } catch {
            throw AdmissionError(.schema, "\(error)")
        }
    }
}
