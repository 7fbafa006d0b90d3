import Foundation
import HADICCore

/// Reads JSON-lines input from a file or standard input ("-" or no argument).
enum InputLines {
    /// Non-empty lines with their 1-based line numbers.
    static func read(_ path: String?) throws -> [(number: Int, bytes: ArraySlice<UInt8>)] {
        let data: Data
        if let path, path != "-" {
            // A FileHandle also reads pipes, FIFOs and /dev/null, not just regular files.
            guard let handle = FileHandle(forReadingAtPath: path) else { throw CLIFailure("cannot open \(path)") }
            defer { try? handle.close() }
            do {
                data = try handle.readToEnd() ?? Data()
            } catch {
                throw CLIFailure("cannot read \(path): \(error.localizedDescription)")
            }
        } else {
            data = FileHandle.standardInput.readDataToEndOfFile()
        }
        let bytes = [UInt8](data)
        var lines: [(Int, ArraySlice<UInt8>)] = []
        var start = 0
        var number = 1
        for i in 0...bytes.count where i == bytes.count || bytes[i] == 0x0A {
            var end = i
            if end > start && bytes[end - 1] == 0x0D { end -= 1 }
            let slice = bytes[start..<end]
            if slice.contains(where: { $0 != 0x20 && $0 != 0x09 }) { lines.append((number, slice)) }
            start = i + 1
            number += 1
        }
        return lines
    }
}
