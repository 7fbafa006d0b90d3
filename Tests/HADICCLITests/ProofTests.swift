import Foundation
import HADICCrypto
import XCTest

/// `hadic proof inclusion` and `hadic proof consistency` through the built binary, checked the
/// way an importer would: with a verifier written here from RFC 9162 (not HADIC's), the
/// checkpoint's signature under the genesis sequencer key, and the leaf bytes `hadic export` prints.
final class ProofTests: HadicTestCase {
    // MARK: An independent verifier (RFC 9162 2.1.3.2 and 2.1.4.2)

    private func node(_ l: [UInt8], _ r: [UInt8]) -> [UInt8] { SHA256.hash([0x01] + l + r) }

    private func inclusionRoot(leaf: [UInt8], index: UInt64, size: UInt64, path: [[UInt8]]) -> [UInt8]? {
        guard index < size else { return nil }
        var fn = index, sn = size - 1, r = SHA256.hash([0x00] + leaf)
        for p in path {
            guard sn != 0 else { return nil }
            if fn & 1 == 1 || fn == sn {
                r = node(p, r)
                while fn & 1 == 0 && fn != 0 { fn >>= 1; sn >>= 1 }
            } else {
                r = node(r, p)
            }
            fn >>= 1; sn >>= 1
        }
        return sn == 0 ? r : nil
    }

    private func consistent(old m: UInt64, new n: UInt64, oldRoot: [UInt8], newRoot: [UInt8], path proof: [[UInt8]]) -> Bool {
        if m == n { return proof.isEmpty && oldRoot == newRoot }
        if m == 0 { return proof.isEmpty }
        guard m < n, !proof.isEmpty else { return false }
        var path = proof
        if m & (m - 1) == 0 { path.insert(oldRoot, at: 0) }
        var fn = m - 1, sn = n - 1
        while fn & 1 == 1 { fn >>= 1; sn >>= 1 }
        var fr = path[0], sr = path[0]
        for c in path.dropFirst() {
            guard sn != 0 else { return false }
            if fn & 1 == 1 || fn == sn {
                fr = node(c, fr); sr = node(c, sr)
                while fn & 1 == 0 && fn != 0 { fn >>= 1; sn >>= 1 }
            } else {
                sr = node(sr, c)
            }
            fn >>= 1; sn >>= 1
        }
        return sn == 0 && fr == oldRoot && sr == newRoot
    }

    /// A tlog-proof's parts, and the checkpoint's size and root once its signature checks.
    private struct ParsedProof {
        let index: UInt64
        let path: [[UInt8]]
        let size: UInt64
        let root: [UInt8]
    }

    private func parse(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> ParsedProof {
        let parts = text.components(separatedBy: "\n\n")
        XCTAssertGreaterThanOrEqual(parts.count, 2, text, file: file, line: line)
        let head = parts[0].split(separator: "\n").map(String.init)
        XCTAssertEqual(head.first, "c2sp.org/tlog-proof@v1", file: file, line: line)
        let index = try XCTUnwrap(UInt64(head[1].replacingOccurrences(of: "index ", with: "")), head[1], file: file, line: line)
        let path = try head.dropFirst(2).map { try XCTUnwrap(Base64.decode($0), $0, file: file, line: line) }
        let checkpoint = parts.dropFirst().joined(separator: "\n\n")
        let note = try SignedNote(parsing: checkpoint)
        let verifier = try NoteVerifier(name: Hadic.origin, publicKey: try PublicKey(contentsOf: Hadic.key("sequencer.key.pub")))
        XCTAssertNotNil(note.verifiedSignature(by: verifier), "the proof's checkpoint is signed by the sequencer", file: file, line: line)
        let body = note.text.split(separator: "\n").map(String.init)
        XCTAssertEqual(body.first, Hadic.origin, file: file, line: line)
        return ParsedProof(index: index, path: path, size: try XCTUnwrap(UInt64(body[1])), root: try XCTUnwrap(Base64.decode(body[2])))
    }

    private func leaves(_ dir: String) -> [[UInt8]] {
        export(dir).split(separator: "\n").map { Array($0.utf8) }
    }

    // MARK: Tests

    func testEveryEventHasAnInclusionProofThatAnImporterCanCheck() throws {
        let dir = makeFixtureLedger(blockSize: 10)  // blocks end at sizes 10, 20, ..., 50, 53
        let leafBytes = leaves(dir)
        XCTAssertEqual(leafBytes.count, 53)
        for (index, id) in Hadic.chainLines.map({ Hadic.eventID(ofCanonicalEnvelope: $0) ?? "?" }).enumerated() {
            let proof = try parse(hadic(["proof", "inclusion", "--data", dir, id]).stdout)
            XCTAssertEqual(proof.index, UInt64(index), "event \(id)")
            XCTAssertEqual(proof.size, 53)
            XCTAssertEqual(Base64.encode(proof.root), FixtureChainTests.fixtureRoot)
            XCTAssertEqual(inclusionRoot(leaf: leafBytes[index], index: proof.index, size: proof.size, path: proof.path), proof.root,
                           "the path of event \(index) leads to the signed root")
            // Another event's leaf, or the neighbouring index, does not.
            XCTAssertNotEqual(inclusionRoot(leaf: leafBytes[(index + 1) % 53], index: proof.index, size: proof.size, path: proof.path), proof.root)
            XCTAssertNotEqual(inclusionRoot(leaf: leafBytes[index], index: UInt64((index + 1) % 53), size: proof.size, path: proof.path), proof.root)
        }
        // JSON carries the same proof.
        let id = try XCTUnwrap(Hadic.eventID(ofCanonicalEnvelope: Hadic.chainLines[7]))
        let text = try parse(hadic(["proof", "inclusion", "--data", dir, id]).stdout)
        let json = try XCTUnwrap(Hadic.json(hadic(["proof", "inclusion", "--data", dir, id, "--json"]).stdout))
        XCTAssertEqual(json["index"] as? Int, 7)
        XCTAssertEqual(json["tree_size"] as? Int, 53)
        XCTAssertEqual((json["hashes"] as? [String])?.compactMap(Base64.decode), text.path)
        XCTAssertEqual(json["checkpoint"] as? String, hadic(["checkpoint", "--data", dir]).stdout)
    }

    func testProofAgainstAnEarlierCheckpointAndTheConsistencyProofToTheLatest() throws {
        let dir = makeFixtureLedger(blockSize: 10)
        let leafBytes = leaves(dir)
        let id = try XCTUnwrap(Hadic.eventID(ofCanonicalEnvelope: Hadic.chainLines[4]))
        let early = try parse(hadic(["proof", "inclusion", "--data", dir, id, "--size", "20"]).stdout)
        XCTAssertEqual(early.size, 20)
        XCTAssertEqual(inclusionRoot(leaf: leafBytes[4], index: 4, size: 20, path: early.path), early.root)
        let block2 = try XCTUnwrap(Hadic.json(hadic(["block", "--data", dir, "2"]).stdout))
        XCTAssertTrue(hadic(["proof", "inclusion", "--data", dir, id, "--size", "20"]).stdout.hasSuffix(try XCTUnwrap(block2["checkpoint"] as? String)),
                      "the proof carries block 2's checkpoint verbatim")
        let latest = try parse(hadic(["proof", "inclusion", "--data", dir, id]).stdout)

        // The earlier checkpoint is a prefix of the latest: the consistency proof links them.
        for (from, to) in [(20, 53), (10, 50), (1, 53), (53, 53), (0, 20)] {
            let hashes = hadic(["proof", "consistency", "--data", dir, "--from", "\(from)", "--to", "\(to)"]).lines.compactMap(Base64.decode)
            let json = try XCTUnwrap(Hadic.json(hadic(["proof", "consistency", "--data", dir, "--from", "\(from)", "--to", "\(to)", "--json"]).stdout))
            let oldRoot = try XCTUnwrap(Base64.decode(try XCTUnwrap(json["from_root"] as? String)))
            let newRoot = try XCTUnwrap(Base64.decode(try XCTUnwrap(json["to_root"] as? String)))
            XCTAssertEqual(oldRoot, Hadic.merkleRoot(Array(leafBytes[0..<from])), "from_root is MTH of the first \(from) leaves")
            XCTAssertEqual(newRoot, Hadic.merkleRoot(Array(leafBytes[0..<to])))
            XCTAssertTrue(consistent(old: UInt64(from), new: UInt64(to), oldRoot: oldRoot, newRoot: newRoot, path: hashes), "\(from) -> \(to)")
            if from > 0 && from < to {
                XCTAssertFalse(consistent(old: UInt64(from), new: UInt64(to), oldRoot: newRoot, newRoot: newRoot, path: hashes))
            }
            XCTAssertEqual((json["hashes"] as? [String])?.compactMap(Base64.decode), hashes)
        }
        let hashes = hadic(["proof", "consistency", "--data", dir, "--from", "20"]).lines.compactMap(Base64.decode)
        XCTAssertTrue(consistent(old: 20, new: 53, oldRoot: early.root, newRoot: latest.root, path: hashes), "signed 20 -> signed 53")
        let json = try XCTUnwrap(Hadic.json(hadic(["proof", "consistency", "--data", dir, "--from", "20", "--json"]).stdout))
        XCTAssertEqual(json["checkpoint"] as? String, hadic(["checkpoint", "--data", dir]).stdout)
        let unsigned = try XCTUnwrap(Hadic.json(hadic(["proof", "consistency", "--data", dir, "--from", "3", "--to", "25", "--json"]).stdout))
        XCTAssertTrue(unsigned["checkpoint"] is NSNull, "no block ended at 25: no checkpoint to carry")
    }

    func testAProofMadeBeforeTheLedgerGrewStillChecksAndLinksToTheNewCheckpoint() throws {
        let dir = initFixtureLedger()
        let lines = Hadic.chainLines
        let first = try write(lines.prefix(30).joined(separator: "\n") + "\n", to: "first.jsonl")
        let rest = try write(lines.dropFirst(30).joined(separator: "\n") + "\n", to: "rest.jsonl")
        hadic(["append", "--data", dir, "--signed", first])
        let id = try XCTUnwrap(Hadic.eventID(ofCanonicalEnvelope: lines[12]))
        let saved = hadic(["proof", "inclusion", "--data", dir, id]).stdout
        hadic(["append", "--data", dir, "--signed", rest])
        let proof = try parse(saved)
        XCTAssertEqual(proof.size, 30)
        XCTAssertEqual(inclusionRoot(leaf: Array(lines[12].utf8), index: proof.index, size: 30, path: proof.path), proof.root)
        let now = try parse(hadic(["proof", "inclusion", "--data", dir, id]).stdout)
        XCTAssertEqual(now.size, 53)
        let link = hadic(["proof", "consistency", "--data", dir, "--from", "30"]).lines.compactMap(Base64.decode)
        XCTAssertTrue(consistent(old: 30, new: 53, oldRoot: proof.root, newRoot: now.root, path: link))
        // The same proof against --size 30 is byte for byte the one saved.
        XCTAssertEqual(hadic(["proof", "inclusion", "--data", dir, id, "--size", "30"]).stdout, saved)
    }

    func testBadRequestsFailClearly() throws {
        let dir = makeFixtureLedger(blockSize: 10)
        let late = try XCTUnwrap(Hadic.eventID(ofCanonicalEnvelope: Hadic.chainLines[30]))
        let beyond = hadic(["proof", "inclusion", "--data", dir, late, "--size", "20"], exit: 2)
        XCTAssertTrue(beyond.stderr.contains("index 30") && beyond.stderr.contains("size 20"), beyond.stderr)
        let unsigned = hadic(["proof", "inclusion", "--data", dir, late, "--size", "35"], exit: 2)
        XCTAssertTrue(unsigned.stderr.contains("no checkpoint was signed at tree size 35"), unsigned.stderr)
        let missing = hadic(["proof", "inclusion", "--data", dir, String(repeating: "ab", count: 32)], exit: 2)
        XCTAssertTrue(missing.stderr.contains("no event"), missing.stderr)
        hadic(["proof", "inclusion", "--data", dir, "not-an-id"], exit: 64)
        let future = hadic(["proof", "consistency", "--data", dir, "--from", "10", "--to", "60"], exit: 2)
        XCTAssertTrue(future.stderr.contains("beyond the ledger's 53 events"), future.stderr)
        let backwards = hadic(["proof", "consistency", "--data", dir, "--from", "40", "--to", "20"], exit: 2)
        XCTAssertTrue(backwards.stderr.contains("--from 40 is after --to 20"), backwards.stderr)
        for r in [beyond, unsigned, missing, future, backwards] { XCTAssertEqual(r.stdout, "", r.summary) }
    }

    /// scripts/verify_proof.py: Python's standard library and the openssl command, nothing of HADIC.
    func testThePythonVerifierChecksProofsWithoutHADIC() throws {
        let python = try XCTUnwrap(SQL.which("python3"), "python3 is needed for the stand-alone verifier")
        let script = Hadic.packageRoot.appendingPathComponent("scripts/verify_proof.py").path
        @discardableResult
        func verify(_ args: [String], exit status: Int32, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) throws -> ProcessResult {
            let r = try HadicProcess(executable: python, [script] + args + ["--key", Hadic.key("sequencer.key.pub")]).wait(timeout: 60)
            XCTAssertEqual(r.status, status, "\(message)\n\(r.summary)", file: file, line: line)
            return r
        }
        let dir = makeFixtureLedger(blockSize: 10)
        let exported = export(dir).split(separator: "\n").map(String.init)
        let ids = Hadic.chainLines.map { Hadic.eventID(ofCanonicalEnvelope: $0) ?? "?" }
        for index in [0, 7, 31, 52] {
            let proof = try write(hadic(["proof", "inclusion", "--data", dir, ids[index]]).stdout, to: "p\(index).tlog-proof")
            let event = try write(exported[index] + "\n", to: "e\(index).json")
            let ok = try verify(["inclusion", proof, event], exit: 0, "event \(index)")
            XCTAssertTrue(ok.stdout.contains("at index \(index) of the tree of size 53"), ok.stdout)
            // Another event, or the proof with one hash altered, does not verify.
            let other = try write(exported[(index + 1) % 53] + "\n", to: "other\(index).json")
            XCTAssertTrue(try verify(["inclusion", proof, other], exit: 1).stderr.contains("NOT VERIFIED"))
            var lines = try String(contentsOfFile: proof, encoding: .utf8).components(separatedBy: "\n")
            var raw = try XCTUnwrap(Base64.decode(lines[2]))
            raw[5] ^= 0x10
            lines[2] = Base64.encode(raw)
            let altered = try write(lines.joined(separator: "\n"), to: "altered\(index).tlog-proof")
            XCTAssertTrue(try verify(["inclusion", altered, event], exit: 1).stderr.contains("does not lead to the signed root"))
        }
        // Against an earlier checkpoint, and the consistency proof from it to the latest.
        let early = try write(hadic(["proof", "inclusion", "--data", dir, ids[3], "--size", "20"]).stdout, to: "early.tlog-proof")
        try verify(["inclusion", early, try write(exported[3] + "\n", to: "e3.json")], exit: 0)
        let block2 = try XCTUnwrap(Hadic.json(hadic(["block", "--data", dir, "2"]).stdout))
        let old = try write(try XCTUnwrap(block2["checkpoint"] as? String), to: "old.checkpoint")
        let new = try write(hadic(["checkpoint", "--data", dir]).stdout, to: "new.checkpoint")
        let hashes = try write(hadic(["proof", "consistency", "--data", dir, "--from", "20"]).stdout, to: "20-53.hashes")
        XCTAssertTrue(try verify(["consistency", old, new, hashes], exit: 0).stdout.contains("size 20 is a prefix of the signed tree of size 53"))
        let wrongPair = try write(hadic(["proof", "consistency", "--data", dir, "--from", "30"]).stdout, to: "30-53.hashes")
        XCTAssertTrue(try verify(["consistency", old, new, wrongPair], exit: 1).stderr.contains("NOT VERIFIED"))
        // A checkpoint whose size was changed no longer carries a valid signature.
        let forged = try write(try String(contentsOfFile: new, encoding: .utf8).replacingOccurrences(of: "\n53\n", with: "\n54\n"), to: "forged.checkpoint")
        XCTAssertTrue(try verify(["consistency", old, forged, hashes], exit: 1).stderr.contains("no valid signature"))
        // Unreadable input is a usage error (2), not a verdict.
        try verify(["inclusion", try write("not a proof", to: "junk"), try write("{}", to: "junk.json")], exit: 2)
    }

    func testAStoredNodeThatWasAlteredIsNeverHandedOutAsAProof() throws {
        try SQL.requireTool()
        let dir = makeFixtureLedger()
        // The node over leaves 0-31, which every proof for a leaf above 31 needs.
        let flipped = SQL.exec(db(dir), "UPDATE merkle_nodes SET hash = zeroblob(32) WHERE level = 5 AND position = 0")
        XCTAssertEqual(flipped.status, 0, flipped.summary)
        let id = try XCTUnwrap(Hadic.eventID(ofCanonicalEnvelope: Hadic.chainLines[40]))
        let r = hadic(["proof", "inclusion", "--data", dir, id], exit: 2)
        XCTAssertEqual(r.stdout, "")
        XCTAssertTrue(r.stderr.contains("does not prove") && r.stderr.contains("hadic verify"), r.stderr)
        let c = hadic(["proof", "consistency", "--data", dir, "--from", "40"], exit: 2)
        XCTAssertTrue(c.stderr.contains("another root at size 53 than the one signed in block 1"), c.stderr)
        XCTAssertEqual(c.stdout, "")
        hadic(["verify", "--data", dir], exit: 1)
    }
}
