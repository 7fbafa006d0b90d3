import Foundation
import GRDB
import GRDBSQLite

/// A cached GRDB statement stepped through SQLite's C API.
///
/// For the hot reads of provenance queries and the inserts of every block, which run thousands of small indexed lookups: GRDB's
/// per-execution and per-row machinery (cursors, row objects, column-name tables) costs several
/// times what SQLite itself does there. The statement still comes from GRDB's cache and runs
/// inside GRDB's transaction; it is reset before and after each use.
struct RawQuery {
    /// Held so that GRDB's statement (and its SQLite statement) lives as long as this query.
    private let owner: Statement
    private let statement: SQLiteStatement
    private let db: Database

    init(_ db: Database, sql: String) throws {
        self.db = db
        owner = try db.cachedStatement(sql: sql)
        statement = owner.sqliteStatement
    }

    /// A value to bind to the next `?`.
    enum Argument {
        case text(String)
        case integer(Int64)
        case blob([UInt8])
        case null

        /// `.text`, or `.null` for nil.
        static func text(_ value: String?) -> Argument { value.map { .text($0) } ?? .null }
        /// `.blob`, or `.null` for nil.
        static func blob(_ value: [UInt8]?) -> Argument { value.map { .blob($0) } ?? .null }
    }

    /// Binds `arguments` and calls `body` for each result row; rows are valid only inside it.
    func forEach(_ arguments: [Argument], _ body: (RawRow) throws -> Void) throws {
        sqlite3_reset(statement)
        defer { sqlite3_reset(statement) }
        try bind(arguments)
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw error(code) }
            try body(RawRow(statement: statement))
        }
    }

    /// Binds `arguments` and runs a statement that returns no rows (the inserts of every block:
    /// GRDB's argument values cost more than SQLite's insert there).
    func execute(_ arguments: [Argument]) throws {
        sqlite3_reset(statement)
        defer { sqlite3_reset(statement) }
        try bind(arguments)
        let code = sqlite3_step(statement)
        guard code == SQLITE_DONE else { throw error(code) }
    }

    private func bind(_ arguments: [Argument]) throws {
        for (i, argument) in arguments.enumerated() {
            let position = Int32(i + 1)
            let code: Int32
            switch argument {
            case .text(var text):
                // The string's own UTF-8 with its length: no NUL-terminated copy is made.
                code = text.withUTF8 { sqlite3_bind_text(statement, position, $0.baseAddress, Int32($0.count), RawQuery.transient) }
            case .integer(let value): code = sqlite3_bind_int64(statement, position, value)
            case .blob(let bytes): code = bytes.withUnsafeBytes { sqlite3_bind_blob(statement, position, $0.baseAddress, Int32($0.count), RawQuery.transient) }
            case .null: code = sqlite3_bind_null(statement, position)
            }
            guard code == SQLITE_OK else { throw error(code) }
        }
    }

    private func error(_ code: Int32) -> StoreError {
        StoreError.sqlite("\(String(cString: sqlite3_errmsg(db.sqliteConnection))) (code \(code)) in \(String(cString: sqlite3_sql(statement)))")
    }

    /// SQLite copies bound values before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}

/// The current row of a ``RawQuery``, read by column position.
struct RawRow {
    let statement: SQLiteStatement

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }

    /// The column's integer; 0 for NULL or a value of another type (see ``strictInteger(_:)``).
    func integer(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }

    /// The column's integer, or nil if it holds anything else (text, real, blob or NULL).
    func strictInteger(_ column: Int32) -> Int64? {
        sqlite3_column_type(statement, column) == SQLITE_INTEGER ? sqlite3_column_int64(statement, column) : nil
    }

    func text(_ column: Int32) -> String? {
        guard let p = sqlite3_column_text(statement, column) else { return nil }
        let count = Int(sqlite3_column_bytes(statement, column))
        return String(decoding: UnsafeBufferPointer(start: p, count: count), as: UTF8.self)
    }

    /// Whether the column, read as ``text(_:)`` reads it, holds exactly `value`'s UTF-8 (NULL
    /// for nil), compared in place.
    func textEquals(_ column: Int32, _ value: String?) -> Bool {
        guard var value else { return isNull(column) }
        guard !isNull(column), let p = sqlite3_column_text(statement, column) else { return false }
        let count = Int(sqlite3_column_bytes(statement, column))
        return value.withUTF8 { bytes in
            guard bytes.count == count else { return false }
            guard count > 0, let base = bytes.baseAddress else { return true }
            return memcmp(base, p, count) == 0
        }
    }

    /// Whether the column, read as ``blob(_:)`` reads it, holds exactly `value` (NULL for nil).
    func blobEquals(_ column: Int32, _ value: [UInt8]?) -> Bool {
        guard let value else { return isNull(column) }
        guard !isNull(column) else { return false }
        let p = sqlite3_column_blob(statement, column)
        let count = Int(sqlite3_column_bytes(statement, column))
        guard count == value.count else { return false }
        guard count > 0, let p else { return count == 0 }
        return value.withUnsafeBytes { bytes in bytes.baseAddress.map { memcmp($0, p, count) == 0 } ?? false }
    }

    func blob(_ column: Int32) -> [UInt8]? {
        guard sqlite3_column_type(statement, column) != SQLITE_NULL else { return nil }
        let count = Int(sqlite3_column_bytes(statement, column))
        guard count > 0, let p = sqlite3_column_blob(statement, column) else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: p, count: count))
    }
}
