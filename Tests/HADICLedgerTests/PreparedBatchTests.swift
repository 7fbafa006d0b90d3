import XCTest
import HADICCore
import HADICCrypto
import HADICLedger

/// A batch parsed and checked in one pass (a node's ingest, `hadic append --signed`) gives the
/// same prechecks and keys as parsing first and checking after, including events whose key an
/// earlier event of the same batch registers.
final class PreparedBatchTests: XCTestCase {
    func testOnePassAgreesWithTwoPassesAndChecksKeysRegisteredInTheBatch() throws {
        let f = try LedgerFixture()
        _ = try f.buildStandardChain()
        var leaves = f.store.events.map(\.leafBytes)
        XCTAssertGreaterThan(leaves.count, 5)
        // A flipped signature byte in the last event, and a line that is not an event.
        var tampered = try EventEnvelope.parse(leaves[leaves.count - 1])
        var signature = tampered.signature
        signature[0] ^= 1
        tampered = try XCTUnwrap(EventEnvelope.parse(Array(String(decoding: leaves[leaves.count - 1], as: UTF8.self)
            .replacingOccurrences(of: Base64.encode(tampered.signature), with: Base64.encode(signature)).utf8)))
        leaves[leaves.count - 1] = tampered.leafBytes
        leaves.insert(Array("not json".utf8), at: 2)

        let keys = f.genesis.initialState.keys
        let onePass = PreparedBatch(parsing: leaves, keys: keys)
        let twoPasses = PreparedBatch(leaves.map { leaf in Result { () throws(AdmissionError) -> EventEnvelope in try EventEnvelope.parse(leaf) } }, keys: keys)

        XCTAssertEqual(onePass.inputs.count, leaves.count)
        guard case .failure = onePass.inputs[2] else { return XCTFail("the line that is not an event stays a failure, in its place") }
        XCTAssertEqual(onePass.prechecks.count, leaves.count - 1)
        XCTAssertEqual(onePass.prechecks.map(\.key), twoPasses.prechecks.map(\.key))
        XCTAssertEqual(onePass.prechecks.map(\.valid), twoPasses.prechecks.map(\.valid))
        XCTAssertEqual(onePass.keysAfter, twoPasses.keysAfter)
        // Every event's key is known by its turn (registered by genesis or earlier in the batch).
        XCTAssertTrue(onePass.prechecks.dropLast().allSatisfy { $0.valid == true }, "\(onePass.prechecks.map(\.valid))")
        XCTAssertEqual(onePass.prechecks.last?.valid, false, "the flipped signature is found")
        XCTAssertGreaterThan(onePass.keysAfter.count, keys.count, "the batch registers keys")
    }
}
