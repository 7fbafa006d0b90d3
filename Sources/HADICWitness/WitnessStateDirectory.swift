import Foundation
import HADICCrypto
import HADICLedger
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A witness's state directory (docs/WITNESS.md, "The state directory"):
///
///     DIR/lock                                the lock held from reading a state to storing the next
///     DIR/logs/<hex SHA-256(origin)>.note     the last checkpoint cosigned for that origin, the signed note as received
///     DIR/evidence/<hex SHA-256(origin)>-<unix seconds>-<hex8 SHA-256(request)>.request
///                                             a signed checkpoint that contradicted the held one, with its request
///
/// Guarantees: `withLock` runs its body under an exclusive `flock` on DIR/lock, so two
/// `hadic witness add-checkpoint` processes on one directory check and store one after the
/// other (the race c2sp.org/tlog-witness warns of cannot roll a log back); `store` is durable
/// before it returns (``DurableFile``), so a cosignature is only ever made over a state on disk.
public struct WitnessStateDirectory: Sendable {
    public let path: String

    public init(_ path: String) throws {
        self.path = path
        try DurableFile.makeDirectory(path + "/logs")
    }

    public func withLock<T>(_ body: () throws -> T) throws -> T {
        let lockPath = path + "/lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw WitnessFileError("cannot open \(lockPath): \(String(cString: strerror(errno)))") }
        defer { close(fd) }  // closing releases the lock
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw WitnessFileError("cannot lock \(lockPath): \(String(cString: strerror(errno)))") }
        }
        return try body()
    }

    public static func fileStem(origin: String) -> String { Hex.encode(SHA256.hash(Array(origin.utf8))) }

    public func statePath(origin: String) -> String { path + "/logs/" + Self.fileStem(origin: origin) + ".note" }

    /// The last checkpoint cosigned for `origin`, re-checked under the log's key (a state file
    /// that no longer verifies is an error, never silently "nothing held").
    public func held(origin: String, rules: WitnessRules) throws -> Checkpoint? {
        let file = statePath(origin: origin)
        guard let bytes = try DurableFile.read(file) else { return nil }
        guard let note = String(validating: bytes, as: UTF8.self) else { throw WitnessFileError("\(file) is not UTF-8") }
        do {
            let (checkpoint, _) = try rules.signedCheckpoint(note)
            guard checkpoint.origin == origin else { throw WitnessFileError("\(file) holds a checkpoint of \(checkpoint.origin), not \(origin)") }
            return checkpoint
        } catch let refusal as WitnessRefusal {
            throw WitnessFileError("the witness state \(file) does not verify: \(refusal)")
        }
    }

    public func store(note: String, origin: String) throws {
        try DurableFile.replace(statePath(origin: origin), with: Array(note.utf8))
    }

    /// Keeps a request whose signed checkpoint contradicts the held one; returns the file's path.
    public func keepEvidence(_ request: [UInt8], origin: String, now: UInt64) throws -> String {
        try DurableFile.makeDirectory(path + "/evidence")
        let file = path + "/evidence/\(Self.fileStem(origin: origin))-\(now)-\(Hex.encode(SHA256.hash(request).prefix(4))).request"
        try DurableFile.replace(file, with: request)
        return file
    }
}
