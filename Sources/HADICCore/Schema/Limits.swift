/// The documented size limits of an event (docs/EVENTS.md, "Limits").
///
/// An event over any of them is refused by the `too-large` or `schema` admission rule;
/// the limits keep one supplier's event from costing everyone else memory or time.
public enum Limits {
    /// Largest canonical envelope (the leaf bytes), in bytes.
    public static let maxEventBytes = 65_536
    /// Longest accepted line of input to `hadic append`/`hadic sign`, in bytes (a non-canonical
    /// envelope may carry whitespace, so a little more than `maxEventBytes`).
    public static let maxInputLineBytes = 262_144
    /// Longest free-text field (names, descriptions, reasons), in UTF-8 bytes.
    public static let maxTextBytes = 4_096
    /// Longest identifier (lot, asset, certificate number), in UTF-8 bytes.
    public static let maxIdentifierBytes = 256
    /// Most entries in one list (inputs, outputs, lots, children, scope entries).
    public static let maxListCount = 1_000
    /// Deepest nesting of arrays and objects in an envelope.
    public static let maxDepth = 16
    /// How far ahead of the sequencer's clock an event's time may be, in seconds.
    public static let maxFutureSkewSeconds: Int64 = 300
}
