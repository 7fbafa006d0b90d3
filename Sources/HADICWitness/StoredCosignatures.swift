import Foundation
import HADICCrypto
import HADICLedger

/// The witness cosignatures a ledger's data directory keeps for its checkpoints, beside the
/// SQLite file (they are not ledger data: no block commits to them, and they can be collected
/// again): `DIR/cosignatures/<tree size>` holds the cosignature lines of the checkpoint signed
/// at that size, one signed-note signature line each, at most one per witness key.
///
/// Guarantees: `add` keeps only lines it was given after they verified (the caller checks
/// them), replaces an older line of the same witness key, and writes durably; `note(_:size:)`
/// is the checkpoint note with the stored lines appended after its own, which any signed-note
/// reader parses (lines from keys it does not know are ignored).
public struct StoredCosignatures {
    public let directory: String

    public init(dataDirectory: String) {
        directory = dataDirectory + "/cosignatures"
    }

    private func file(size: UInt64) -> String { directory + "/\(size)" }

    public func lines(size: UInt64) throws -> [NoteSignature] {
        guard let bytes = try DurableFile.read(file(size: size)) else { return [] }
        do { return try Self.signatureLines(bytes) } catch {
            throw WitnessFileError("\(file(size: size)) does not hold signature lines: \(error)")
        }
    }

    /// Signed-note signature lines, each ending in a newline (a witness's response, or a stored file).
    public static func signatureLines(_ bytes: [UInt8]) throws -> [NoteSignature] {
        // The signed-note parser reads them after a one-line text and an empty line.
        try SignedNote(parsing: Array("x\n\n".utf8) + bytes).signatures
    }

    public func add(_ new: [NoteSignature], size: UInt64) throws {
        try DurableFile.makeDirectory(directory)
        var kept = try lines(size: size).filter { old in
            !new.contains { $0.keyHash == old.keyHash && Array($0.name.utf8) == Array(old.name.utf8) }
        }
        kept += new
        try DurableFile.replace(file(size: size), with: Array(kept.map(\.line).joined().utf8))
    }

    /// The largest tree size whose kept lines hold one by `key`: the size that witness last
    /// cosigned for this ledger, as far as this directory knows (nil if none is kept). A
    /// sequencer starts from it after a restart instead of from 0 and a 409.
    public func latestSize(cosignedBy key: CosignerKey) throws -> UInt64? {
        guard FileManager.default.fileExists(atPath: directory) else { return nil }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        // Only the files this type writes: decimal sizes without leading zeroes.
        let sizes = names.compactMap { name in UInt64(name).flatMap { "\($0)" == name ? $0 : nil } }
        for size in sizes.sorted(by: >) where try lines(size: size).contains(where: key.matches) {
            return size
        }
        return nil
    }

    /// `note` (a signed checkpoint of tree size `size`) with the stored cosignatures appended.
    public func note(_ note: String, size: UInt64) throws -> String {
        note + (try lines(size: size)).map(\.line).joined()
    }
}
