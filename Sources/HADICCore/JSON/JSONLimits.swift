/// Resource limits applied by the `JSONValue.parse` functions.
///
/// Guarantees: a parse with these limits never reads a document longer than `maxBytes`
/// bytes (it is refused with ``JSONParseError/tooLarge(byteCount:maxBytes:)`` before any
/// byte is examined) and never builds arrays/objects nested deeper than `maxDepth` levels
/// (refused with ``JSONParseError/tooDeep(offset:maxDepth:)``). The parser recurses once
/// per nesting level, so `maxDepth` also bounds its stack use; keep it modest (hundreds,
/// not millions).
public struct JSONLimits: Sendable, Hashable {
    /// Deepest accepted nesting of arrays and objects; a top-level array or object is depth 1,
    /// scalars are depth 0.
    public var maxDepth: Int
    /// Largest accepted document, in bytes of UTF-8.
    public var maxBytes: Int

    public init(maxDepth: Int = 64, maxBytes: Int = 16 << 20) {
        self.maxDepth = maxDepth
        self.maxBytes = maxBytes
    }

    /// Depth 64, 16 MiB.
    public static let `default` = JSONLimits()
}
