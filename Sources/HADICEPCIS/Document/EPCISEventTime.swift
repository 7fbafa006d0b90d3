/// An event's time: the instant and the time zone offset in effect where it happened.
///
/// Guarantees: `time` parsed as an ``EPCISTime``; `offset` is `+HH:MM` or `-HH:MM` within ±14:00.
public struct EPCISEventTime: Hashable, Sendable {
    public let time: EPCISTime
    public let offset: String

    /// The instant in UTC with milliseconds and `Z`.
    public var utc: String { time.utc }

    public init(time: EPCISTime, offset: String) {
        self.time = time
        self.offset = offset
    }
}
