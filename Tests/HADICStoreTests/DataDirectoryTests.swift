import Foundation
import XCTest
import HADICCore
import HADICCrypto
import HADICLedger
import HADICStore

final class DataDirectoryTests: XCTestCase {
    func testCreateForWriting() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("data")
        let dir = try DataDirectory(writing: path, holder: "hadic init", create: true)
        XCTAssertEqual(dir.path, path)
        XCTAssertTrue(FileManager.default.fileExists(atPath: DataDirectory.ledgerFile(in: path)))
        XCTAssertEqual(DataDirectory.ledgerFile(in: path), path + "/ledger.sqlite")
        XCTAssertEqual(DataDirectory.configFile(in: path), path + "/node.json")
        let lock = try String(contentsOfFile: path + "/LOCK", encoding: .utf8)
        XCTAssertEqual(lock, "pid \(getpid()): hadic init\n")
        XCTAssertEqual(try dir.store.synchronousSetting(), 2)
    }

    func testSecondWriterIsRefusedUntilTheFirstIsReleased() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("data")
        var first: DataDirectory? = try DataDirectory(writing: path, holder: "hadic serve", create: true)
        XCTAssertNotNil(first)
        XCTAssertThrowsError(try DataDirectory(writing: path, holder: "hadic append")) { error in
            XCTAssertEqual(error as? StoreError, .locked(directory: path, holder: "pid \(getpid()): hadic serve"))
            XCTAssertTrue("\(error)".contains("held by another writer (pid \(getpid()): hadic serve)"), "\(error)")
        }
        // Also through the lock alone, and with create: true.
        XCTAssertThrowsError(try DataDirectoryLock(directory: path, holder: "x")) { error in
            guard case .locked = error as? StoreError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try DataDirectory(writing: path, holder: "hadic init", create: true)) { error in
            guard case .locked = error as? StoreError else { return XCTFail("\(error)") }
        }
        // The failed attempts did not disturb the holder's record.
        XCTAssertEqual(try String(contentsOfFile: path + "/LOCK", encoding: .utf8), "pid \(getpid()): hadic serve\n")

        first = nil
        let second = try DataDirectory(writing: path, holder: "hadic append")
        XCTAssertEqual(try String(contentsOfFile: path + "/LOCK", encoding: .utf8), "pid \(getpid()): hadic append\n")
        XCTAssertNil(try second.store.latestBlock())
    }

    func testReaderWorksWhileAWriterHoldsTheLock() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("data")
        let writer = try DataDirectory(writing: path, holder: "hadic serve", create: true)
        let key = try PrivateKey.generate(.ed25519)
        let admin = try PrivateKey.generate(.ed25519)
        let genesis = try Genesis(origin: "example.org/hadic/dd", sequencerKey: key.publicKey,
                                  admins: [GenesisAdmin(party: PartyID("admin")!, publicKey: admin.publicKey)])
        let block = try Sequencer.initialize(store: writer.store, genesis: genesis, sequencerKey: key, time: Timestamp("2026-11-29T04:00:00Z")!)

        let reader = try DataDirectory(reading: path)
        XCTAssertEqual(try reader.store.latestBlock()?.header.hash, block.header.hash)
        XCTAssertEqual(try reader.store.loadState(), genesis.initialState)
        // The reader cannot write.
        XCTAssertThrowsError(try reader.store.executeUnchecked("DELETE FROM parties"))
        XCTAssertEqual(try writer.store.loadState(), genesis.initialState)

        // The writer appends; the open reader sees the new block.
        let sequencer = try Sequencer(store: writer.store, key: key, clock: { Timestamp("2026-11-29T05:00:00Z")! })
        let farm = try PrivateKey.generate(.ed25519)
        let reg = try EventEnvelope.Unsigned(
            ledger: sequencer.ledgerID, type: .partyRegister, actor: PartyID("admin")!, keyID: admin.publicKey.keyID,
            time: Timestamp("2026-11-29T05:00:00Z")!,
            body: ["party": "farm", "name": "Farm", "role": "producer", "public_key": .string(Base64.encode(farm.publicKey.spkiDER))]
        ).signed(with: admin)
        _ = try sequencer.submit([.success(reg)])[0].get()
        XCTAssertEqual(try reader.store.latestBlock()?.height, 1)
        XCTAssertTrue(try reader.store.containsEvent(reg.id))
        XCTAssertNoThrow(try LedgerVerifier(store: reader.store).verify(full: true))
    }

    func testMissingOrWrongDirectories() throws {
        let scratch = try ScratchDirectory()
        let missing = scratch.file("nope")
        func assertNotADataDirectory(_ body: @autoclosure () throws -> DataDirectory, _ text: String, line: UInt = #line) {
            XCTAssertThrowsError(try body(), line: line) { error in
                guard case .notADataDirectory(let s) = error as? StoreError else { return XCTFail("\(error)", line: line) }
                XCTAssertTrue(s.contains(text), s, line: line)
            }
        }
        assertNotADataDirectory(try DataDirectory(writing: missing, holder: "x"), "does not exist")
        assertNotADataDirectory(try DataDirectory(reading: missing), "holds no ledger.sqlite")
        XCTAssertFalse(FileManager.default.fileExists(atPath: missing), "a refused open creates nothing")
        // An existing directory without a ledger.
        let empty = scratch.file("empty")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: false)
        assertNotADataDirectory(try DataDirectory(writing: empty, holder: "x"), "holds no ledger.sqlite")
        assertNotADataDirectory(try DataDirectory(reading: empty), "holds no ledger.sqlite")
        // A file where the directory should be.
        let file = scratch.file("file")
        XCTAssertTrue(FileManager.default.createFile(atPath: file, contents: Data("x".utf8)))
        assertNotADataDirectory(try DataDirectory(writing: file, holder: "x", create: true), "is not a directory")
    }

    func testSequencerKeyPathRecord() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.file("data")
        let dir = try DataDirectory(writing: path, holder: "hadic init", create: true)
        XCTAssertNil(dir.sequencerKeyPath())
        try dir.recordSequencerKeyPath(scratch.file("keys/../keys/sequencer.pem"))
        XCTAssertEqual(dir.sequencerKeyPath(), scratch.file("keys/sequencer.pem"))
    }
}
