#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading and writing key files.
///
/// Guarantees: `writeNew` never replaces or follows an existing path (`O_CREAT|O_EXCL|O_NOFOLLOW`),
/// creates the file with the final mode already applied (so a private key is never readable by
/// others, not even briefly), sets exactly that mode regardless of the umask, writes everything,
/// fsyncs, and removes the file again if any step after creation fails.
enum KeyFile {
    static func readText(_ path: String) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure(path, "cannot open for reading") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure(path, "read failed")
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > 1 << 20 {
                throw CryptoError.fileIO(path: path, reason: "larger than 1 MiB, not a key file")
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw CryptoError.invalidPEM("\(path) is not UTF-8 text")
        }
        return text
    }

    static func writeNew(_ path: String, contents: String, mode: mode_t) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else {
            if errno == EEXIST { throw CryptoError.fileExists(path: path) }
            throw failure(path, "cannot create")
        }
        var removeOnExit = true
        defer {
            close(fd)
            if removeOnExit { unlink(path) }
        }
        guard fchmod(fd, mode) == 0 else { throw failure(path, "fchmod failed") }
        let bytes = Array(contents.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress.map { $0 + offset }, bytes.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw failure(path, "write failed")
            }
            offset += n
        }
        guard fsync(fd) == 0 else { throw failure(path, "fsync failed") }
        removeOnExit = false
    }

    private static func failure(_ path: String, _ what: String) -> CryptoError {
        let code = errno
        let reason = String(cString: strerror(code))
        return .fileIO(path: path, reason: "\(what): \(reason) (errno \(code))")
    }
}
