import Foundation
import XCTest

/// `hadic verify` reads one snapshot of the ledger, so it reports an intact ledger as intact
/// even while `hadic append` keeps committing blocks to it.
final class ConcurrentVerifyTests: HadicTestCase {
    func testVerifyDuringAppendSeesOneConsistentMoment() throws {
        let data = path("data")
        let events = path("events.jsonl")
        hadic(["synth", "--data", data, "--out", events, "--events", "4000", "--parties", "20"])
        let writer = try Hadic.start(["append", "--data", data, "--signed", "--block-size", "40", events])
        var verified = 0
        var sizes: [Int] = []
        // Bounded: at most 20 rounds, while the writer is still running.
        for _ in 0..<20 {
            let r = hadic(["verify", "--data", data, "--full"])
            XCTAssertTrue(r.stdout.hasPrefix("intact:"), r.summary)
            if let size = r.stdout.components(separatedBy: "tree size ").dropFirst().first?.split(separator: ",").first.flatMap({ Int($0) }) {
                sizes.append(size)
            }
            verified += 1
            if sizes.last == 4000 { break }
        }
        let done = expect(writer.wait(timeout: 120), exit: 0)
        XCTAssertEqual(done.stdout.split(separator: "\n").count, 4000)
        XCTAssertGreaterThan(verified, 0)
        XCTAssertEqual(sizes, sizes.sorted(), "each verification saw a later (or the same) moment")
        XCTAssertTrue(sizes.allSatisfy { $0 % 40 == 0 || $0 == 4000 }, "a snapshot always ends at a block boundary: \(sizes)")
        hadic(["verify", "--data", data, "--full"])
    }
}
