import Foundation
import TandemSQL
import XCTest

final class DatabaseTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tandemsql-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    private func path(_ name: String = "test.sqlite") -> String { folder.appendingPathComponent(name).path }

    func testOpen_FileDatabase_UsesWALJournal() throws {
        let database = try Database(path: path())
        XCTAssertEqual(try database.journalMode(), "wal")
    }

    func testOpen_FileDatabase_UsesSynchronousFull() throws {
        let database = try Database(path: path())
        XCTAssertEqual(try database.query("PRAGMA synchronous") { $0.int(0) }, [2])
    }

    func testOpen_NotADatabase_ThrowsWithSQLiteMessage() throws {
        let file = path("garbage.sqlite")
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: file))
        XCTAssertThrowsError(try Database(path: file)) { error in
            let sqlError = try? XCTUnwrap(error as? SQLError)
            XCTAssertEqual(sqlError?.message, "file is not a database")
        }
    }

    func testBindAndRead_EveryStorageClass_RoundTrips() throws {
        let database = try Database(path: ":memory:")
        try database.execute("CREATE TABLE t(a, b, c, d, e)")
        let blob: [UInt8] = [0, 1, 2, 255, 0, 128]
        try database.run("INSERT INTO t VALUES (?, ?, ?, ?, ?)", [.null, .integer(-42), .real(1.5), .text("héllo"), .blob(blob)])
        let rows = try database.query("SELECT a, b, c, d, e FROM t") { row in
            [row.value(0), row.value(1), row.value(2), row.value(3), row.value(4)]
        }
        XCTAssertEqual(rows, [[.null, .integer(-42), .real(1.5), .text("héllo"), .blob(blob)]])
    }

    func testBind_EmptyBlob_StaysBlobNotNull() throws {
        let database = try Database(path: ":memory:")
        try database.execute("CREATE TABLE t(b)")
        try database.run("INSERT INTO t VALUES (?)", [.blob([])])
        XCTAssertEqual(try database.query("SELECT typeof(b) FROM t") { $0.text(0) }, ["blob"])
    }

    func testBind_WrongParameterCount_Throws() throws {
        let database = try Database(path: ":memory:")
        try database.execute("CREATE TABLE t(a)")
        XCTAssertThrowsError(try database.run("INSERT INTO t VALUES (?)", [1, 2]))
    }

    func testPrepare_SyntaxError_ThrowsWithSQLiteMessage() throws {
        let database = try Database(path: ":memory:")
        XCTAssertThrowsError(try database.prepare("SELEC 1")) { error in
            XCTAssertTrue((error as? SQLError)?.message.contains("syntax error") ?? false, "\(error)")
        }
    }

    func testRun_UniqueViolation_IsConstraintError() throws {
        let database = try Database(path: ":memory:")
        try database.execute("CREATE TABLE t(a PRIMARY KEY)")
        try database.run("INSERT INTO t VALUES (1)")
        XCTAssertThrowsError(try database.run("INSERT INTO t VALUES (1)")) { error in
            XCTAssertTrue((error as? SQLError)?.isConstraint ?? false, "\(error)")
        }
    }

    func testTransaction_BodyThrows_RollsBack() throws {
        struct Boom: Error {}
        let database = try Database(path: ":memory:")
        try database.execute("CREATE TABLE t(a)")
        XCTAssertThrowsError(try database.transaction {
            try database.run("INSERT INTO t VALUES (1)")
            throw Boom()
        })
        XCTAssertEqual(try database.query("SELECT count(*) FROM t") { $0.int(0) }, [0])
        XCTAssertFalse(database.isInTransaction)
    }

    func testTransaction_Success_Commits() throws {
        let database = try Database(path: path())
        try database.execute("CREATE TABLE t(a)")
        try database.transaction { try database.run("INSERT INTO t VALUES (7)") }
        let reopened = try Database(path: path())
        XCTAssertEqual(try reopened.query("SELECT a FROM t") { $0.int(0) }, [7])
    }

    func testReadTransaction_SeesOneSnapshot_WhileAnotherConnectionCommits() throws {
        let reader = try Database(path: path())
        try reader.execute("CREATE TABLE t(a); INSERT INTO t VALUES (1);")
        let writer = try Database(path: path())
        let counts: [Int] = try reader.readTransaction {
            let before = try reader.query("SELECT count(*) FROM t") { $0.int(0) }[0]
            try writer.run("INSERT INTO t VALUES (2)")
            let after = try reader.query("SELECT count(*) FROM t") { $0.int(0) }[0]
            return [before, after]
        }
        XCTAssertEqual(counts, [1, 1])
        XCTAssertFalse(reader.isInTransaction)
        XCTAssertEqual(try reader.query("SELECT count(*) FROM t") { $0.int(0) }, [2])
    }

    func testChanges_CountsTheRowsOfTheLastStatement() throws {
        let database = try Database(path: ":memory:")
        try database.execute("CREATE TABLE t(a); INSERT INTO t VALUES (1), (2), (3);")
        try database.run("UPDATE t SET a = a + 1 WHERE a > 1")
        XCTAssertEqual(database.changes, 2)
    }

    func testMigrate_FreshFile_AppliesAllAndSetsUserVersion() throws {
        let database = try Database(path: path())
        try database.migrate(["CREATE TABLE a(x)", "CREATE TABLE b(y)"])
        XCTAssertEqual(try database.userVersion(), 2)
        XCTAssertEqual(try database.query("SELECT name FROM sqlite_master ORDER BY name") { $0.text(0) }, ["a", "b"])
    }

    func testMigrate_PartlyMigratedFile_AppliesOnlyNewSteps() throws {
        try Database(path: path()).migrate(["CREATE TABLE a(x)"])
        let database = try Database(path: path())
        try database.migrate(["CREATE TABLE a(x)", "CREATE TABLE b(y)"])
        XCTAssertEqual(try database.userVersion(), 2)
    }

    func testMigrate_FailingStep_RollsBackThatStepOnly() throws {
        let database = try Database(path: path())
        XCTAssertThrowsError(try database.migrate(["CREATE TABLE a(x)", "CREATE TABLE b(y); BOGUS"]))
        XCTAssertEqual(try database.userVersion(), 1)
        XCTAssertEqual(try database.query("SELECT count(*) FROM sqlite_master WHERE name = 'b'") { $0.int(0) }, [0])
    }

    func testMigrate_NewerFile_Throws() throws {
        try Database(path: path()).migrate(["CREATE TABLE a(x)", "CREATE TABLE b(y)"])
        XCTAssertThrowsError(try Database(path: path()).migrate(["CREATE TABLE a(x)"]))
    }

    func testStatement_Reused_RunsWithNewBindings() throws {
        let database = try Database(path: ":memory:")
        try database.execute("CREATE TABLE t(a)")
        let insert = try database.prepare("INSERT INTO t VALUES (?)")
        for value in 1...3 {
            try insert.bind([.integer(Int64(value))])
            XCTAssertFalse(try insert.step())
        }
        XCTAssertEqual(try database.query("SELECT sum(a) FROM t") { $0.int(0) }, [6])
    }
}
