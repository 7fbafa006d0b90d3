import Foundation
import XCTest

/// `hadic certs [PARTY] --at TIME`: status of every certificate at a moment, by event times.
final class CertsTests: HadicTestCase {

    private func statuses(_ dir: String, _ args: [String]) throws -> [String: String] {
        let out = hadic(["certs", "--data", dir, "--json"] + args).stdout
        let array = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: Any]])
        var result: [String: String] = [:]
        for c in array { result[(c["number"] as? String) ?? "?"] = c["status"] as? String }
        return result
    }

    func testStatusesAtDifferentMoments() throws {
        let dir = makeFixtureLedger()
        XCTAssertEqual(try statuses(dir, ["--at", "2026-11-01T00:00:00Z"]), [
            "ID-BPJPH-RPH-2026-0117": "active", "ID-BPJPH-2026-30451": "active", "ID-BPJPH-2026-30877": "active",
            "ID-BPJPH-2026-31002": "active", "MY-JAKIM-MS2400-2026-0088": "active", "ID-BPJPH-SD-2026-77120": "revoked",
            "MY-JAKIM-MS2400-2026-0102": "active",
        ])
        // The self-declaration was revoked on 2026-10-03: active the day before.
        XCTAssertEqual(try statuses(dir, ["umkm-kerupuk", "--at", "2026-10-02T12:00:00Z"]), ["ID-BPJPH-SD-2026-77120": "active"])
        XCTAssertEqual(try statuses(dir, ["umkm-kerupuk", "--at", "2026-10-03T03:00:00Z"]), ["ID-BPJPH-SD-2026-77120": "revoked"])
        // JAKIM's MS2400 certificate expires on 2028-01-14; before it was issued on the ledger it is not yet issued.
        XCTAssertEqual(try statuses(dir, ["dingin-logistik", "--at", "2028-06-01T00:00:00Z"]), ["MY-JAKIM-MS2400-2026-0088": "expired"])
        XCTAssertEqual(try statuses(dir, ["dingin-logistik", "--at", "2026-09-01T00:00:00Z"]), ["MY-JAKIM-MS2400-2026-0088": "not-yet-issued"])
        XCTAssertEqual(try statuses(dir, ["rph-sidoarjo", "--at", "2026-10-02T02:00:00Z"]), ["ID-BPJPH-RPH-2026-0117": "active"])
    }

    func testScopeAndHistoryAreShown() throws {
        let dir = makeFixtureLedger()
        let out = hadic(["certs", "--data", dir, "--json", "umkm-kerupuk", "--at", "2026-11-01T00:00:00Z"]).stdout
        let cert = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: Any]])?.first)
        XCTAssertEqual(cert["issuer"] as? String, "bpjph")
        XCTAssertEqual(cert["self_declared"] as? Bool, true)
        XCTAssertEqual((cert["scope"] as? [String: [String]])?["products"], ["kerupuk udang"])
        let changes = try XCTUnwrap(cert["changes"] as? [[String: String]])
        XCTAssertEqual(changes.map { $0["type"] }, ["cert.revoke"])
        XCTAssertEqual(changes.first?["time"], "2026-10-03T03:00:00Z")

        let text = hadic(["certs", "--data", dir, "dingin-logistik", "--at", "2026-11-01T00:00:00Z"]).lines
        XCTAssertEqual(text.first, "1 certificates held by dingin-logistik at 2026-11-01T00:00:00Z")
        XCTAssertTrue(text[1].hasPrefix("MY-JAKIM-MS2400-2026-0088  active  issuer jakim (JAKIM MS2400)"), text[1])
        XCTAssertEqual(text[2], "  scope: services cold-chain-transport, warehousing")
        hadic(["certs", "--data", dir, "--at", "yesterday"], exit: 64)
        hadic(["certs", "--data", dir, "Not A Party"], exit: 64)
    }
}
