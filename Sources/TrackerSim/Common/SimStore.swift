import Foundation
import TandemSQL

/// Where a simulator keeps its records: an SQLite file with `--data FILE`, else a
/// private in-memory database, so both modes run the same code.
///
/// Schema (user_version 1):
///   docs(kind, id, body)  one row per record; `body` is the record's Codable
///                         encoding (binary property list), `kind` names its type.
///   blobs(id, bytes)      attachment contents, byte-exact.
///   counters(name, value) id and number sequences.
/// Invariant: every write a request makes runs in one transaction (`write`), so a
/// crash leaves the file at a request boundary. Callers hold the simulator lock.
final class SimStore: @unchecked Sendable {
    let database: Database
    private let encoder: PropertyListEncoder = {
        let encoder = PropertyListEncoder()
        encoder.outputFormat = .binary
        return encoder
    }()
    private let decoder = PropertyListDecoder()

    static let migrations = [
        """
        CREATE TABLE docs(kind TEXT NOT NULL, id TEXT NOT NULL, body BLOB NOT NULL, PRIMARY KEY(kind, id));
        CREATE TABLE blobs(id TEXT PRIMARY KEY, bytes BLOB NOT NULL);
        CREATE TABLE counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL);
        """
    ]

    /// Opens `path` (nil: in memory) and brings its schema up to date.
    init(path: String?) throws {
        database = try Database(path: path ?? ":memory:")
        try database.migrate(Self.migrations)
    }

    func write<T>(_ body: () throws -> T) throws -> T { try database.transaction(body) }

    func put<T: Encodable>(_ kind: String, _ id: String, _ value: T) throws {
        let bytes = [UInt8](try encoder.encode(value))
        try database.run("INSERT OR REPLACE INTO docs(kind, id, body) VALUES (?, ?, ?)", [.text(kind), .text(id), .blob(bytes)])
    }

    func delete(_ kind: String, _ id: String) throws {
        try database.run("DELETE FROM docs WHERE kind = ? AND id = ?", [.text(kind), .text(id)])
    }

    func all<T: Decodable>(_ kind: String, as type: T.Type) throws -> [T] {
        let bodies = try database.query("SELECT body FROM docs WHERE kind = ? ORDER BY rowid", [.text(kind)]) { $0.blob(0) }
        return try bodies.map { try decoder.decode(T.self, from: Data($0)) }
    }

    func putBlob(_ id: String, _ bytes: [UInt8]) throws {
        try database.run("INSERT OR REPLACE INTO blobs(id, bytes) VALUES (?, ?)", [.text(id), .blob(bytes)])
    }

    func blob(_ id: String) throws -> [UInt8]? {
        try database.query("SELECT bytes FROM blobs WHERE id = ?", [.text(id)]) { $0.blob(0) }.first
    }

    func deleteBlob(_ id: String) throws {
        try database.run("DELETE FROM blobs WHERE id = ?", [.text(id)])
    }

    func counter(_ name: String) throws -> Int64? {
        try database.query("SELECT value FROM counters WHERE name = ?", [.text(name)]) { $0.int64(0) }.first
    }

    func setCounter(_ name: String, _ value: Int64) throws {
        try database.run("INSERT OR REPLACE INTO counters(name, value) VALUES (?, ?)", [.text(name), .integer(value)])
    }

    /// The next value of sequence `name`, starting after `start`; persisted at once.
    func next(_ name: String, after start: Int64) throws -> Int64 {
        let value = (try counter(name) ?? start) + 1
        try setCounter(name, value)
        return value
    }
}
