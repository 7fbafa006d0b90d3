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

    /// A key registration whose signature is forged changes no key, not even in the guess the
    /// next batch is checked against (else anyone could make a party's events be checked one
    /// at a time by the sealer).
    func testAForgedRegistrationChangesNoKeyInTheGuess() throws {
        let f = try LedgerFixture()
        _ = try f.buildStandardChain()
        var leaves = f.store.events.map(\.leafBytes)
        let parsed = try leaves.map { try EventEnvelope.parse($0) }
        let at = try XCTUnwrap(parsed.lastIndex { if case .partyRegister = $0.body { return true } else { return false } })
        guard case .partyRegister(let registration) = parsed[at].body else { return XCTFail("not a registration") }
        var signature = parsed[at].signature
        signature[5] ^= 0x40
        let forged = try EventEnvelope(parts: parsed[at].unsignedParts, signature: signature)
        leaves = Array(leaves[..<at]) + [forged.leafBytes]
        let keys = f.genesis.initialState.keys
        let batch = PreparedBatch(parsing: leaves, keys: keys)
        XCTAssertEqual(batch.prechecks.last?.valid, false)
        XCTAssertNil(batch.keysAfter[registration.publicKey.keyID], "the forged registration's key is not guessed")
        XCTAssertNil(batch.keys(after: keys)[registration.publicKey.keyID])
        let honest = PreparedBatch(parsing: Array(f.store.events.map(\.leafBytes)[...at]), keys: keys)
        XCTAssertNotNil(honest.keysAfter[registration.publicKey.keyID], "the signed one is")
        XCTAssertNotNil(honest.keys(after: keys)[registration.publicKey.keyID])
    }
}
