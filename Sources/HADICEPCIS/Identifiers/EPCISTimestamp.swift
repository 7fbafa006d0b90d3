import HADICCore

/// The time rules of the EPCIS event hash (CBV 2.0 section 8.9, rules 8 and 9): every timestamp
/// in UTC, with millisecond precision, and `Z` for the zero offset.
public enum EPCISTimestamp {
    /// `text` (`YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, four-digit year 0001...9999) as the
    /// same instant in UTC with exactly three fraction digits and `Z`; nil when malformed.
    ///
    /// Missing milliseconds are zero-filled; digits beyond the third are rounded half up on the
    /// fourth (`.0005` -> `.001`), carrying into seconds, minutes, days as needed. All
    /// arithmetic is on integers, so no instant is moved by floating point.
    public static func utcMilliseconds(_ text: String) -> String? {
        let b = Array(text.utf8)
        guard b.count >= 20, b.count <= 64 else { return nil }
        func digits(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r {
                guard i < b.count, b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                v = v * 10 + Int(b[i] - 0x30)
            }
            return v
        }
        guard b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"),
              b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
              let year = digits(0..<4), let month = digits(5..<7), let day = digits(8..<10),
              let hour = digits(11..<13), let minute = digits(14..<16), let second = digits(17..<19),
              year >= 1, (1...12).contains(month), (1...Timestamp.daysIn(month: month, year: year)).contains(day),
              hour < 24, minute < 60, second < 60
        else { return nil }
        var i = 19
        var millis = 0
        if b[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
            guard i > start else { return nil }
            let fraction = b[start..<i].map { Int($0 - 0x30) } + [0, 0, 0, 0]
            millis = fraction[0] * 100 + fraction[1] * 10 + fraction[2]
            if fraction[3] >= 5 { millis += 1 }
        }
        guard let offsetMinutes = offsetMinutes(String(decoding: b[i...], as: UTF8.self)) else { return nil }
        let days = Timestamp.daysFromCivil(year: year, month: month, day: day)
        let localSeconds: Int64 = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        let utcSeconds: Int64 = localSeconds - Int64(offsetMinutes) * 60
        var totalMillis: Int64 = utcSeconds * 1000 + Int64(millis)
        let dayMillis: Int64 = 86_400_000
        var utcDays = totalMillis / dayMillis
        totalMillis -= utcDays * dayMillis
        if totalMillis < 0 { totalMillis += dayMillis; utcDays -= 1 }
        let (y, m, d) = Timestamp.civilFromDays(Int(utcDays))
        guard y >= 1, y <= 9999 else { return nil }
        let ms = Int(totalMillis)
        return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2) + "T" + pad(ms / 3_600_000, 2) + ":"
            + pad(ms / 60_000 % 60, 2) + ":" + pad(ms / 1000 % 60, 2) + "." + pad(ms % 1000, 3) + "Z"
    }

    /// The offset `Z`, `+HH:MM` or `-HH:MM` (within ±14:00) in minutes east of UTC; nil otherwise.
    public static func offsetMinutes(_ text: String) -> Int? {
        if text == "Z" { return 0 }
        let b = Array(text.utf8)
        guard b.count == 6, b[0] == UInt8(ascii: "+") || b[0] == UInt8(ascii: "-"), b[3] == UInt8(ascii: ":"),
              [1, 2, 4, 5].allSatisfy({ b[$0] >= 0x30 && b[$0] <= 0x39 })
        else { return nil }
        let hours = Int(b[1] - 0x30) * 10 + Int(b[2] - 0x30)
        let minutes = Int(b[4] - 0x30) * 10 + Int(b[5] - 0x30)
        guard minutes < 60, hours * 60 + minutes <= 14 * 60 else { return nil }
        let total = hours * 60 + minutes
        return b[0] == UInt8(ascii: "-") ? -total : total
    }

    /// Whether `text` is an `eventTimeZoneOffset` as EPCIS 2.0 writes it: `+HH:MM` or `-HH:MM`.
    public static func isTimeZoneOffset(_ text: String) -> Bool {
        text != "Z" && offsetMinutes(text) != nil
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let s = String(value)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
