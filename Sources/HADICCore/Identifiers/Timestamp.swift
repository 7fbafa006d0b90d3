/// An instant written as RFC 3339 in UTC: `YYYY-MM-DDTHH:MM:SS[.fraction]Z`.
///
/// Only the `Z` offset is accepted, so one instant has one spelling apart from the fraction;
/// the text is kept exactly as signed and the instant is held as nanoseconds since 1970 for ordering.
/// Years 1970 to 2261 are accepted: the last instant that fits in 64-bit nanoseconds is in 2262.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let text: String
    public let nanoseconds: Int64

    public init?(_ text: String) {
        let b = Array(text.utf8)
        guard b.count >= 20, b.count <= 30, b.last == UInt8(ascii: "Z") else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r {
                let d = Int(b[i]) - 48
                guard d >= 0 && d <= 9 else { return nil }
                v = v * 10 + d
            }
            return v
        }
        guard b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"),
              b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
              let year = num(0..<4), let month = num(5..<7), let day = num(8..<10),
              let hour = num(11..<13), let minute = num(14..<16), let second = num(17..<19),
              (1970...2261).contains(year), (1...12).contains(month), hour < 24, minute < 60, second < 60,
              (1...Timestamp.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        var fraction: Int64 = 0
        if b.count > 20 {
            guard b[19] == UInt8(ascii: "."), b.count - 21 >= 1, b.count - 21 <= 9,
                  let f = num(20..<(b.count - 1)) else { return nil }
            var scale: Int64 = 1
            for _ in 0..<(9 - (b.count - 21)) { scale *= 10 }
            fraction = Int64(f) * scale
        } else if b[19] != UInt8(ascii: "Z") {
            return nil
        }
        let days = Timestamp.daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        self.text = text
        self.nanoseconds = seconds * 1_000_000_000 + fraction
    }

    /// The last second a timestamp can hold (2261-12-31T23:59:59Z).
    public static let maxUnixSeconds: Int64 = 9_214_646_399

    /// The whole-second UTC spelling of a Unix time in seconds, clamped to 1970...2261.
    public init(unixSeconds requested: Int64) {
        let unixSeconds = min(max(requested, 0), Timestamp.maxUnixSeconds)
        let days = unixSeconds >= 0 ? unixSeconds / 86_400 : (unixSeconds - 86_399) / 86_400
        let rem = unixSeconds - days * 86_400
        let (y, m, d) = Timestamp.civilFromDays(Int(days))
        func pad(_ v: Int, _ w: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        let text = "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(Int(rem / 3600), 2)):\(pad(Int(rem % 3600 / 60), 2)):\(pad(Int(rem % 60), 2))Z"
        self.text = text
        self.nanoseconds = unixSeconds * 1_000_000_000
    }

    public var unixSeconds: Int64 { nanoseconds / 1_000_000_000 }
    public var description: String { text }
    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.nanoseconds < b.nanoseconds }
    public static func == (a: Timestamp, b: Timestamp) -> Bool { a.text == b.text }
    public func hash(into h: inout Hasher) { h.combine(text) }

    /// The number of days in `month` (1...12) of the proleptic Gregorian `year`.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    /// Days since 1970-01-01 of a proleptic Gregorian date (negative before it).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The proleptic Gregorian (year, month, day) of a day count since 1970-01-01.
    public static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
