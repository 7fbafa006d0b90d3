import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The exclusive right to write one data directory, held as an `flock` on `DIR/LOCK`.
///
/// The kernel drops the lock when the process dies (even by kill -9), so a crash never leaves
/// a stale lock. The file holds the holder's pid and command for the error the next writer sees.
public final class DataDirectoryLock {
    public let path: String
    private let fd: Int32

    public init(directory: String, holder: String) throws {
        path = (directory as NSString).appendingPathComponent("LOCK")
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError.io("cannot open \(path): \(String(cString: strerror(errno)))") }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let current = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            close(fd)
            throw StoreError.locked(directory: directory, holder: current.flatMap { $0.isEmpty ? nil : $0 } ?? "unknown process")
        }
        self.fd = fd
        describe(holder)
    }

    /// Rewrites what the next writer is told about the holder (a node learns its port after binding).
    public func describe(_ holder: String) {
        let text = "pid \(getpid()): \(holder)\n"
        _ = ftruncate(fd, 0)
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    deinit {
        _ = ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
    }
}
