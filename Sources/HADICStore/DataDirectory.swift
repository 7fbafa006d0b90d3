import Foundation
import HADICCrypto

/// A HADIC data directory: `ledger.sqlite` (the ledger), `LOCK` (the writer's lock) and
/// `node.json` (where the sequencer key lives). Writers hold the lock for as long as they are open.
public final class DataDirectory {
    public let path: String
    public let store: SQLiteLedgerStore
    private let lock: DataDirectoryLock?

    public static func ledgerFile(in dir: String) -> String { (dir as NSString).appendingPathComponent("ledger.sqlite") }
    public static func configFile(in dir: String) -> String { (dir as NSString).appendingPathComponent("node.json") }

    /// Opens for writing: takes the lock first, creating the directory if `create`.
    public init(writing path: String, holder: String, create: Bool = false) throws {
        var isDir: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
            guard create else { throw StoreError.notADataDirectory("\(path) does not exist (run `hadic init --data \(path) ...` first)") }
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw StoreError.io("cannot create \(path): \(error.localizedDescription)")
            }
        } else if !isDir.boolValue {
            throw StoreError.notADataDirectory("\(path) is not a directory")
        }
        if !create && !FileManager.default.fileExists(atPath: DataDirectory.ledgerFile(in: path)) {
            throw StoreError.notADataDirectory("\(path) holds no ledger.sqlite (run `hadic init` first)")
        }
        self.path = path
        self.lock = try DataDirectoryLock(directory: path, holder: holder)
        self.store = try SQLiteLedgerStore(path: DataDirectory.ledgerFile(in: path))
    }

    /// Opens for reading while a writer may be appending (WAL readers never block it).
    public init(reading path: String) throws {
        guard FileManager.default.fileExists(atPath: DataDirectory.ledgerFile(in: path)) else {
            throw StoreError.notADataDirectory("\(path) holds no ledger.sqlite (run `hadic init` first, or check --data)")
        }
        self.path = path
        self.lock = nil
        self.store = try SQLiteLedgerStore(path: DataDirectory.ledgerFile(in: path), readOnly: true)
    }

    /// Rewrites the holder named to other writers that find the directory locked.
    public func describeHolder(_ holder: String) { lock?.describe(holder) }

    /// The sequencer key path recorded by `hadic init`, if any.
    public func sequencerKeyPath() -> String? {
        guard let data = FileManager.default.contents(atPath: DataDirectory.configFile(in: path)),
              let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return obj["sequencer_key"] as? String
    }

    public func recordSequencerKeyPath(_ keyPath: String) throws {
        let absolute = URL(fileURLWithPath: keyPath).standardizedFileURL.path
        let data = try JSONSerialization.data(withJSONObject: ["sequencer_key": absolute], options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: DataDirectory.configFile(in: path)))
    }
}
