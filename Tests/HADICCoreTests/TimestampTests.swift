import XCTest
import HADICCore

final class TimestampTests: XCTestCase {
    private let nanosPerSecond: Int64 = 1_000_000_000

    func testWholeSeconds() {
        XCTAssertEqual(Timestamp("1970-01-01T00:00:00Z")?.nanoseconds, 0)
        XCTAssertEqual(Timestamp("1970-01-02T00:00:01Z")?.nanoseconds, 86_401 * nanosPerSecond)
        // `date -u -d 2026-11-29T05:00:00Z +%s` = 1795928400
        XCTAssertEqual(Timestamp("2026-11-29T05:00:00Z")?.nanoseconds, 1_795_928_400 * nanosPerSecond)
        XCTAssertEqual(Timestamp("2000-03-01T00:00:00Z")?.unixSeconds, 951_868_800)
        // The last accepted instant (years end at 2261, before 64-bit nanoseconds run out in 2262).
        XCTAssertEqual(Timestamp("2261-12-31T23:59:59Z")?.unixSeconds, 9_214_646_399)
        XCTAssertEqual(Timestamp("2261-12-31T23:59:59.999999999Z")?.nanoseconds, 9_214_646_399_999_999_999)
        XCTAssertNil(Timestamp("2262-04-11T23:47:16Z"))
        XCTAssertEqual(Timestamp("2026-11-29T05:00:00Z")?.text, "2026-11-29T05:00:00Z")
        XCTAssertEqual(Timestamp("2026-11-29T05:00:00Z")?.description, "2026-11-29T05:00:00Z")
    }

    func testFractions() {
        XCTAssertEqual(Timestamp("1970-01-01T00:00:00.5Z")?.nanoseconds, 500_000_000)
        XCTAssertEqual(Timestamp("1970-01-01T00:00:00.05Z")?.nanoseconds, 50_000_000)
        XCTAssertEqual(Timestamp("1970-01-01T00:00:01.123456789Z")?.nanoseconds, 1_123_456_789)
        XCTAssertEqual(Timestamp("1970-01-01T00:00:00.000000001Z")?.nanoseconds, 1)
        XCTAssertEqual(Timestamp("2026-11-29T05:00:00.250Z")?.nanoseconds, 1_795_928_400 * nanosPerSecond + 250_000_000)
        XCTAssertEqual(Timestamp("2026-11-29T05:00:00.250Z")?.text, "2026-11-29T05:00:00.250Z")
        XCTAssertNil(Timestamp("1970-01-01T00:00:00.1234567891Z"), "10 fraction digits")
        XCTAssertNil(Timestamp("1970-01-01T00:00:00.Z"), "empty fraction")
        XCTAssertNil(Timestamp("1970-01-01T00:00:00,5Z"), "comma")
        XCTAssertNil(Timestamp("1970-01-01T00:00:00.5aZ"))
    }

    func testLeapYears() {
        XCTAssertNotNil(Timestamp("2024-02-29T00:00:00Z"))
        XCTAssertNotNil(Timestamp("2000-02-29T00:00:00Z"))
        XCTAssertNil(Timestamp("2023-02-29T00:00:00Z"))
        XCTAssertNil(Timestamp("2100-02-29T00:00:00Z"))
        XCTAssertNil(Timestamp("2024-02-30T00:00:00Z"), "Feb 30")
        XCTAssertNil(Timestamp("2026-04-31T00:00:00Z"))
        XCTAssertNotNil(Timestamp("2026-12-31T00:00:00Z"))
        XCTAssertEqual(Timestamp("2024-03-01T00:00:00Z")!.unixSeconds - Timestamp("2024-02-28T00:00:00Z")!.unixSeconds, 2 * 86_400)
        XCTAssertEqual(Timestamp("2023-03-01T00:00:00Z")!.unixSeconds - Timestamp("2023-02-28T00:00:00Z")!.unixSeconds, 86_400)
    }

    func testRefusedSpellings() {
        let invalid = [
            "2026-11-29T05:00:00+00:00", "2026-11-29T05:00:00+07:00", "2026-11-29T05:00:00-00:00",
            "2026-11-29T05:00:00z", "2026-11-29t05:00:00Z", "2026-11-29 05:00:00Z", "2026-11-29T05:00:00",
            "2026-11-29T05:00Z", "26-11-29T05:00:00Z", "2026-1-29T05:00:00Z",
            "2026-00-10T05:00:00Z", "2026-13-10T05:00:00Z", "2026-11-00T05:00:00Z",
            "2026-11-29T24:00:00Z", "2026-11-29T05:60:00Z", "2026-11-29T05:00:60Z",
            "1969-12-31T23:59:59Z", "+026-11-29T05:00:00Z", "2026-11-29T05:00:00ZZ", "",
        ]
        for text in invalid { XCTAssertNil(Timestamp(text), text) }
    }

    func testOrdering() {
        let a = Timestamp("2026-11-29T05:00:00Z")!
        let b = Timestamp("2026-11-29T05:00:00.5Z")!
        let c = Timestamp("2026-11-29T05:00:01Z")!
        let d = Timestamp("2027-01-01T00:00:00Z")!
        XCTAssertLessThan(a, b)
        XCTAssertLessThan(b, c)
        XCTAssertLessThan(c, d)
        XCTAssertEqual([d, b, c, a].sorted(), [a, b, c, d])
        // Two spellings of one instant order equal but are distinct statements.
        let e = Timestamp("2026-11-29T05:00:00.50Z")!
        XCTAssertEqual(e.nanoseconds, b.nanoseconds)
        XCTAssertFalse(e < b)
        XCTAssertFalse(b < e)
        XCTAssertNotEqual(e, b)
    }

    func testUnixSecondsRoundTrip() {
        let cases: [(Int64, String)] = [
            (0, "1970-01-01T00:00:00Z"),
            (86_399, "1970-01-01T23:59:59Z"),
            (951_782_400, "2000-02-29T00:00:00Z"),
            (1_709_164_800, "2024-02-29T00:00:00Z"),
            (1_795_928_400, "2026-11-29T05:00:00Z"),
            (4_102_444_800, "2100-01-01T00:00:00Z"),
            (9_214_646_399, "2261-12-31T23:59:59Z"),
        ]
        for (seconds, text) in cases {
            let t = Timestamp(unixSeconds: seconds)
            XCTAssertEqual(t.text, text)
            XCTAssertEqual(t.nanoseconds, seconds * nanosPerSecond)
            XCTAssertEqual(t.unixSeconds, seconds)
            let parsed = Timestamp(t.text)
            XCTAssertEqual(parsed, t)
            XCTAssertEqual(parsed?.nanoseconds, seconds * nanosPerSecond)
        }
        // A sweep across years (every ~37 days and some seconds) parses back to itself.
        var s: Int64 = 0
        while s < 4_200_000_000 {
            let t = Timestamp(unixSeconds: s)
            XCTAssertEqual(Timestamp(t.text)?.unixSeconds, s, t.text)
            s += 3_200_017
        }
    }
}
