import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Small files that must survive a crash whole: a witness's state, a ledger's stored cosignatures.
///
/// Guarantees: `replace` writes a temporary file in the same directory, fsyncs it, renames it
/// over the target and fsyncs the directory, so after a crash at any instant the target holds
/// either the old bytes or the new ones, never a mix, and once it returns the new bytes are on
/// disk. Errors name the path and the step that failed.
public enum DurableFile {
    public static func replace(_ path: String, with bytes: [UInt8], mode: mode_t = 0o644) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw failure(temporary, "cannot create") }
        var done = false
        defer { if !done { unlink(temporary) } }
        do {
            defer { close(fd) }
            var written = 0
            while written < bytes.count {
                let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw failure(temporary, "write failed")
                }
                written += n
            }
            guard fsync(fd) == 0 else { throw failure(temporary, "fsync failed") }
        }
        guard rename(temporary, path) == 0 else { throw failure(path, "rename from \(temporary) failed") }
        done = true
        // The rename is durable only once the directory entry is.
        let dirFD = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dirFD >= 0 else { throw failure(directory, "cannot open the directory to fsync it") }
        defer { close(dirFD) }
        guard fsync(dirFD) == 0 else { throw failure(directory, "fsync of the directory failed") }
    }

    /// The file's bytes, or nil if it does not exist.
    public static func read(_ path: String) throws -> [UInt8]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do { return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) } catch {
            throw WitnessFileError("cannot read \(path): \(error.localizedDescription)")
        }
    }

    /// Creates `path` (and parents) as a directory if it is not one yet.
    public static func makeDirectory(_ path: String) throws {
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw WitnessFileError("cannot create directory \(path): \(error.localizedDescription)")
        }
    }

    private static func failure(_ path: String, _ step: String) -> WitnessFileError {
        WitnessFileError("\(path): \(step): \(String(cString: strerror(errno)))")
    }
}
