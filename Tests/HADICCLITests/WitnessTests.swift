import Foundation
import HADICCrypto
import XCTest

/// `hadic witness` through the real binaries and files: a witness cosigns a first checkpoint
/// and consistent newer ones, refuses a fork (keeping the evidence), a smaller checkpoint,
/// another origin and a forged signature, each naming its rule; its cosignature checks under an
/// independent implementation of c2sp.org/tlog-cosignature (Python's `cryptography`, bytes
/// assembled here from the spec); and a bundle carrying it passes `verify-bundle --witness
/// --quorum 1` and fails a quorum it does not meet.
///
/// The base ledger is the fixture chain in blocks of 20: checkpoints at tree sizes 20, 40, 53.
final class WitnessTests: HadicTestCase {
    static let w1 = "witness.example/w1"
    static let w2 = "witness.example/w2"
    private var base: String!
    private var logKey = ""

    override func setUpWithError() throws {
        try super.setUpWithError()
        base = makeFixtureLedger("base", blockSize: 20)
        logKey = hadic(["witness", "log-key", "--data", base]).stdout.trimmingCharacters(in: .newlines)
    }

    /// A fresh witness key; returns (private key path, vkey).
    private func witnessKey(_ file: String, name: String) -> (key: String, vkey: String) {
        let key = path(file)
        hadic(["key", "generate", "--out", key])
        return (key, hadic(["witness", "key", "--key", key + ".pub", "--name", name]).stdout.trimmingCharacters(in: .newlines))
    }

    private func request(_ dir: String, old: Int, size: Int, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let r = hadic(["witness", "request", "--data", dir, "--old", "\(old)", "--size", "\(size)"], file: file, line: line)
        return try write(r.stdout, to: "req-\(UUID().uuidString)")
    }

    private func add(_ request: String, state: String = "wstate", key: String, exit status: Int32 = 0,
                     file: StaticString = #filePath, line: UInt = #line) -> ProcessResult {
        hadic(["witness", "add-checkpoint", "--state", path(state), "--key", key, "--name", Self.w1, "--log", logKey, request],
              exit: status, file: file, line: line)
    }

    private func checkpoint(_ dir: String, size: Int) -> String {
        let r = hadic(["witness", "request", "--data", dir, "--size", "\(size)"]).stdout
        // The request from old 0 is "old 0\n\n" then the note.
        return String(r.dropFirst("old 0\n\n".count))
    }

    private func statePath(_ state: String = "wstate") -> String {
        path(state) + "/logs/" + Hex.encode(SHA256.hash(Array(Hadic.origin.utf8))) + ".note"
    }

    /// Checks one cosignature line the way c2sp.org/tlog-cosignature defines it, without HADIC:
    /// key id = SHA-256(name || 0x0A || 0x04 || raw key)[:4], then an 8-byte big-endian time,
    /// then Ed25519 over "cosignature/v1\ntime T\n" || the note body. Exit 0 printing T, or not.
    private func independentCheck(_ line: String, name: String, publicKey: String, note: String) throws -> ProcessResult {
        let python = try XCTUnwrap(SQL.which("python3"))
        let check = """
            import sys, base64, hashlib
            from cryptography.hazmat.primitives.serialization import load_pem_public_key, Encoding, PublicFormat
            key = load_pem_public_key(open(sys.argv[1], "rb").read())
            raw = key.public_bytes(Encoding.Raw, PublicFormat.Raw)
            name, note, line = sys.argv[2], open(sys.argv[3], "rb").read(), sys.argv[4]
            body = note[:note.index(b"\\n\\n") + 1]
            dash, named, b64 = line.rstrip("\\n").split(" ")
            assert dash == "\\u2014" and named == name, "not a signature line by " + name
            blob = base64.b64decode(b64, validate=True)
            assert len(blob) == 4 + 8 + 64, "length %d" % len(blob)
            assert blob[:4] == hashlib.sha256(name.encode() + b"\\n\\x04" + raw).digest()[:4], "key id"
            t = int.from_bytes(blob[4:12], "big")
            key.verify(blob[12:], b"cosignature/v1\\ntime %d\\n" % t + body)
            print(t)
            """
        let noteFile = try write(note, to: "note-\(UUID().uuidString)")
        return try HadicProcess(executable: python, ["-c", check, publicKey, name, noteFile, line]).wait(timeout: 60)
    }

    /// The time the cosignature states, once the independent check accepts it.
    private func independentlyVerified(_ line: String, name: String, publicKey: String, note: String,
                                       file: StaticString = #filePath, sourceLine: UInt = #line) throws -> Int? {
        let r = try independentCheck(line, name: name, publicKey: publicKey, note: note)
        XCTAssertEqual(r.status, 0, "the independent check refused the cosignature: \(r.summary)", file: file, line: sourceLine)
        return Int(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    // MARK: The witness

    func testWitnessCosignsAFirstCheckpointAndConsistentNewerOnes() throws {
        let (key, _) = witnessKey("w1.key", name: Self.w1)
        let first = add(try request(base, old: 0, size: 20), key: key)
        XCTAssertEqual(first.lines.count, 1, first.summary)
        XCTAssertTrue(first.stdout.hasPrefix("\u{2014} \(Self.w1) "), first.stdout)
        let now = Int(Date().timeIntervalSince1970)
        let t = try XCTUnwrap(try independentlyVerified(first.stdout, name: Self.w1, publicKey: key + ".pub", note: checkpoint(base, size: 20)))
        XCTAssertLessThanOrEqual(abs(t - now), 60, "the cosignature states the time it was made")
        XCTAssertEqual(try String(contentsOfFile: statePath(), encoding: .utf8), checkpoint(base, size: 20), "the state is the checkpoint cosigned")

        // Newer, with a consistency proof from the held size; and the head, from there.
        let second = add(try request(base, old: 20, size: 40), key: key)
        _ = try independentlyVerified(second.stdout, name: Self.w1, publicKey: key + ".pub", note: checkpoint(base, size: 40))
        XCTAssertEqual(try String(contentsOfFile: statePath(), encoding: .utf8), checkpoint(base, size: 40))
        // The same checkpoint again is cosigned again (a log asking twice is no fork).
        add(try request(base, old: 40, size: 40), key: key)
        let head = add(try request(base, old: 40, size: 53), key: key)
        _ = try independentlyVerified(head.stdout, name: Self.w1, publicKey: key + ".pub", note: checkpoint(base, size: 53))

        // The independent check can fail: the head's cosignature is not one over size 40.
        let wrong = try independentCheck(head.stdout, name: Self.w1, publicKey: key + ".pub", note: checkpoint(base, size: 40))
        XCTAssertNotEqual(wrong.status, 0, wrong.summary)
    }

    func testWitnessRefusesASmallerCheckpointAndAStaleOldSize() throws {
        let (key, _) = witnessKey("w1.key", name: Self.w1)
        add(try request(base, old: 0, size: 40), key: key)
        // Going back: old = the held size, the checkpoint smaller.
        let back = add(try write("old 40\n\n" + checkpoint(base, size: 20), to: "back"), key: key, exit: 1)
        XCTAssertTrue(back.stderr.contains("refused (400 malformed)") && back.stderr.contains("never goes back"), back.summary)
        XCTAssertEqual(back.stdout, "")
        // A client that thinks the witness is new: 409, and the held size on stdout.
        let stale = add(try request(base, old: 0, size: 53), key: key, exit: 1)
        XCTAssertEqual(stale.stdout, "40\n", stale.summary)
        XCTAssertTrue(stale.stderr.contains("refused (409 old-size-mismatch)") && stale.stderr.contains("last cosigned size 40"), stale.summary)
        XCTAssertEqual(try String(contentsOfFile: statePath(), encoding: .utf8), checkpoint(base, size: 40), "a refusal changes nothing")
    }

    func testWitnessRefusesAForkSayingWhyAndKeepsTheEvidence() throws {
        let (key, _) = witnessKey("w1.key", name: Self.w1)
        // The same ledger id and key, with other roots at tree sizes 40 and 60.
        let fork = try fixtureFork(forkedLots: 40)
        add(try request(base, old: 0, size: 20), key: key)
        add(try request(base, old: 20, size: 40), key: key)

        // The fork's 60, with its own (valid) proof from its own 40: not from the 40 held.
        let grown = add(try request(fork, old: 40, size: 60), key: key, exit: 1)
        XCTAssertTrue(grown.stderr.contains("refused (422 inconsistent)"), grown.summary)
        XCTAssertTrue(grown.stderr.contains("inconsistent with the checkpoint this witness cosigned") && grown.stderr.contains("from size 40"), grown.summary)
        XCTAssertTrue(grown.stderr.contains("FORK"), "a fork is said loudly: \(grown.summary)")
        XCTAssertEqual(grown.stdout, "", "no cosignature")
        // The fork's 40 beside the held 40.
        let same = add(try request(fork, old: 40, size: 40), key: key, exit: 1)
        XCTAssertTrue(same.stderr.contains("refused (409 same-size-other-root)") && same.stderr.contains("both have size 40"), same.summary)

        XCTAssertEqual(try String(contentsOfFile: statePath(), encoding: .utf8), checkpoint(base, size: 40), "the held checkpoint is unchanged")
        let evidence = try FileManager.default.contentsOfDirectory(atPath: path("wstate") + "/evidence")
        XCTAssertEqual(evidence.count, 2, "both forked requests are kept: \(evidence)")
        let kept = try evidence.map { try String(contentsOfFile: path("wstate") + "/evidence/" + $0, encoding: .utf8) }
        XCTAssertTrue(kept.contains { $0.hasSuffix(checkpoint(fork, size: 60)) }, "the fork's signed checkpoint is in the evidence")

        // The real history still goes on.
        add(try request(base, old: 40, size: 53), key: key)
    }

    func testWitnessRefusesAnotherOriginAForgedSignatureAndABadRequest() throws {
        let (key, _) = witnessKey("w1.key", name: Self.w1)
        let other = path("other")
        hadic(["init", "--data", other, "--name", "other.example/ledger", "--sequencer-key", Hadic.key("sequencer.key"),
               "--admin-key", Hadic.key("hcms-admin.key.pub"), "--admin-name", "hcms-admin"])
        let unknown = add(try request(other, old: 0, size: 0), key: key, exit: 1)
        XCTAssertTrue(unknown.stderr.contains("refused (404 unknown-origin)") && unknown.stderr.contains("other.example/ledger"), unknown.summary)

        // Same origin, another sequencer key: not the log the witness follows.
        let forger = path("forger.key")
        hadic(["key", "generate", "--out", forger])
        let forged = path("forged")
        hadic(["init", "--data", forged, "--name", Hadic.origin, "--sequencer-key", forger,
               "--admin-key", Hadic.key("hcms-admin.key.pub"), "--admin-name", "hcms-admin"])
        let bad = add(try request(forged, old: 0, size: 0), key: key, exit: 1)
        XCTAssertTrue(bad.stderr.contains("refused (403 not-signed-by-log)"), bad.summary)

        let leading = add(try write("old 00\n\n" + checkpoint(base, size: 20), to: "leading"), key: key, exit: 1)
        XCTAssertTrue(leading.stderr.contains("refused (400 malformed)") && leading.stderr.contains("leading zeroes"), leading.summary)
        let proofFromZero = add(try write("old 0\n" + Base64.encode([UInt8](repeating: 1, count: 32)) + "\n\n" + checkpoint(base, size: 20), to: "p0"),
                                key: key, exit: 1)
        XCTAssertTrue(proofFromZero.stderr.contains("refused (400 malformed)"), proofFromZero.summary)
        XCTAssertFalse(FileManager.default.fileExists(atPath: statePath()), "nothing was cosigned")
    }

    // MARK: Cosigned checkpoints in bundles

    func testAWitnessedBundleMeetsItsQuorumAndFailsOneItDoesNotMeet() throws {
        // A key whose vkey's base64 holds a '+' (as about one in two do), so the parsing of the
        // text form is tested every run.
        var (key1, vkey1) = witnessKey("w1.key", name: Self.w1)
        for n in 0..<40 where !vkey1.split(separator: "+", maxSplits: 2)[2].contains("+") {
            (key1, vkey1) = witnessKey("w1-\(n).key", name: Self.w1)
        }
        XCTAssertTrue(vkey1.split(separator: "+", maxSplits: 2)[2].contains("+"), vkey1)
        let (_, vkey2) = witnessKey("w2.key", name: Self.w2)
        XCTAssertTrue(vkey1.hasPrefix(Self.w1 + "+"), vkey1)
        let cosig = try write(add(try request(base, old: 0, size: 53), key: key1).stdout, to: "cosig")

        // Attach checks the lines against the keys given.
        let foreign = hadic(["witness", "attach", "--data", base, "--witness", vkey2, cosig], exit: 2)
        XCTAssertTrue(foreign.stderr.contains("not one of the --witness keys"), foreign.summary)
        let otherCheckpoint = hadic(["witness", "attach", "--data", base, "--witness", vkey1, "--size", "40", cosig], exit: 2)
        XCTAssertTrue(otherCheckpoint.stderr.contains("not a valid cosignature/v1"), otherCheckpoint.summary)
        hadic(["witness", "attach", "--data", base, "--witness", vkey1, cosig])

        let shown = hadic(["checkpoint", "--data", base]).stdout
        XCTAssertEqual(shown, checkpoint(base, size: 53) + (try String(contentsOfFile: cosig, encoding: .utf8)), "the checkpoint carries the cosignature")

        let bundle = path("rendang.bundle.json")
        hadic(["prove", "--data", base, "urn:epc:class:lgtin:8991234.012345.RDG2610A", "--out", bundle, "--at", "2026-11-20T00:00:00Z"])
        func verify(_ extra: [String], exit status: Int32) -> ProcessResult {
            hadic(["verify-bundle", bundle, "--trust", Hadic.key("sequencer.key.pub")] + extra, exit: status)
        }
        let ok = verify(["--witness", vkey1, "--quorum", "1"], exit: 0)
        XCTAssertTrue(ok.stdout.contains("witnesses      1 of 1 trusted witnesses cosigned the checkpoint (quorum 1): \(Self.w1)"), ok.stdout)
        let oneOfTwo = verify(["--witness", vkey1, "--witness", vkey2, "--quorum", "1"], exit: 0)
        XCTAssertTrue(oneOfTwo.stdout.contains("1 of 2 trusted witnesses"), oneOfTwo.stdout)
        let two = verify(["--witness", vkey1, "--witness", vkey2, "--quorum", "2"], exit: 1)
        XCTAssertTrue(two.stderr.contains("INVALID: checkpoint: witness quorum not met: 1 of the 2 trusted witnesses cosigned the checkpoint (\(Self.w1)), 2 required"), two.summary)
        let wrongKey = verify(["--witness", vkey2, "--quorum", "1"], exit: 1)
        XCTAssertTrue(wrongKey.stderr.contains("0 of the 1 trusted witnesses cosigned the checkpoint (none)"), wrongKey.summary)
        verify([], exit: 0)  // without --witness, as before
        verify(["--quorum", "1"], exit: 64)
        let json = try XCTUnwrap(Hadic.json(verify(["--witness", vkey1, "--json"], exit: 0).stdout))
        XCTAssertEqual(json["cosigned_by"] as? [String], [Self.w1])

        // One byte of the cosignature's timestamp changed: it no longer verifies.
        var b = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: bundle))) as? [String: Any])
        let note = try XCTUnwrap(b["checkpoint"] as? String)
        let line = try XCTUnwrap(note.split(separator: "\n").last.map(String.init))
        var blob = try XCTUnwrap(Base64.decode(String(line.split(separator: " ")[2])))
        blob[11] ^= 1
        b["checkpoint"] = note.replacingOccurrences(of: line, with: "\u{2014} \(Self.w1) " + Base64.encode(blob))
        let altered = path("altered.bundle.json")
        try JSONSerialization.data(withJSONObject: b).write(to: URL(fileURLWithPath: altered))
        let r = hadic(["verify-bundle", altered, "--trust", Hadic.key("sequencer.key.pub"), "--witness", vkey1], exit: 1)
        XCTAssertTrue(r.stderr.contains("witness quorum not met: 0 of the 1"), r.summary)

        // The format stands without HADIC: the Python verifier (standard library and openssl)
        // ignores the witness line unless asked, and checks the quorum when asked.
        let python = try XCTUnwrap(SQL.which("python3"))
        let script = Hadic.packageRoot.appendingPathComponent("scripts/verify_bundle.py").path
        func py(_ file: String, _ extra: [String]) throws -> ProcessResult {
            try HadicProcess(executable: python, [script, file, "--trust", Hadic.key("sequencer.key.pub")] + extra).wait(timeout: 120)
        }
        XCTAssertEqual(try py(bundle, []).status, 0)
        let pyOK = try py(bundle, ["--witness", vkey1, "--witness", vkey2, "--quorum", "1"])
        XCTAssertEqual(pyOK.status, 0, pyOK.summary)
        XCTAssertTrue(pyOK.stdout.contains("1 of 2 trusted witnesses cosigned the checkpoint (quorum 1): \(Self.w1) (time "), pyOK.stdout)
        let pyTwo = try py(bundle, ["--witness", vkey1, "--witness", vkey2])
        XCTAssertEqual(pyTwo.status, 1, pyTwo.summary)
        XCTAssertTrue(pyTwo.stderr.contains("witness quorum not met: 1 of the 2 trusted witnesses cosigned it, 2 required"), pyTwo.summary)
        let pyAltered = try py(altered, ["--witness", vkey1])
        XCTAssertEqual(pyAltered.status, 1, pyAltered.summary)
        XCTAssertTrue(pyAltered.stderr.contains("0 of the 1"), pyAltered.summary)
        let pyBadKey = try py(bundle, ["--witness", String(vkey1.dropLast(4))])
        XCTAssertEqual(pyBadKey.status, 2, pyBadKey.summary)
    }
}
