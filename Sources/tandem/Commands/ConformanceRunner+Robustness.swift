import Foundation
import NodeHost
import TandemJSON
#if canImport(Glibc)
import Glibc
#endif
import TandemThreads

/// The `error-kinds`, `thread-safety` and `memory` checks.
extension ConformanceRunner {
    /// The kind each tracker answer must map to (and for 429, the retry delay
    /// from the fault server's `Retry-After: 2`).
    static let expectedKinds: [(status: Int, kind: PluginCallError.Kind)] = [
        (400, .invalid), (401, .auth), (404, .notFound), (409, .invalid), (422, .invalid),
        (429, .rateLimited), (500, .transient), (503, .transient),
    ]

    func errorKinds() throws {
        let faults = ConformanceFaultServer()
        let base = try faults.start()
        defer { faults.stop() }
        var configuration = setup.configuration
        configuration["baseUrl"] = .string(base)
        let instance = try setup.instance(plugin, configuration: configuration)
        var wrong: [String] = []
        for (status, kind) in Self.expectedKinds {
            faults.answer(with: status)
            if let problem = Self.mismatch(instance, id: fields.unknownID, status: status, kind: kind) { wrong.append(problem) }
        }
        try expect(wrong.isEmpty, "get against a tracker answering errors: " + wrong.joined(separator: "; "))
    }

    /// How the get against a tracker answering `status` differs from `kind`; nil when it does not.
    private static func mismatch(_ instance: PluginInstance, id: String, status: Int, kind: PluginCallError.Kind) -> String? {
        let error: PluginCallError
        do throws(PluginCallError) {
            let answer = try instance.call("get", ["id": .string(id)]).json
            return "HTTP \(status): expected \(kind), got success \(answer.text.prefix(80))"
        } catch let caught {
            error = caught
        }
        if error.kind != kind { return "HTTP \(status): expected \(kind), got \(error.kind) (\(error.message.prefix(120)))" }
        if kind == .rateLimited && error.retryAfterMs != 2000 {
            return "HTTP 429 with Retry-After: 2: expected retry_after_ms 2000, got \(error.retryAfterMs.map(String.init) ?? "none")"
        }
        return nil
    }

    /// What a get answered, comparable across threads.
    private func getOutcome(_ instance: PluginInstance, _ id: String) -> String {
        do { return try instance.call("get", ["id": .string(id)]).json.text } catch { return "error \(error)" }
    }

    func threadSafety() throws {
        let instance = try setup.instance(plugin)
        var created: [String] = []
        if plugin.operations.contains("create") {
            for _ in 0..<4 { created.append(try createEntity(instance)) }
        }
        let ids = created.isEmpty ? [fields.unknownID] : created
        let serial = ids.map { getOutcome(instance, $0) }
        let results = ConcurrentResults(count: 64)
        // The node calls plugins from its own threads, never the cooperative pool.
        var threads: [WorkerThread] = []
        for index in 0..<64 {
            guard let thread = WorkerThread.start(name: "check-get\(index)", { [self] in
                results.set(index, getOutcome(instance, ids[index % ids.count]))
            }) else {
                threads.forEach { $0.join() }
                throw ConformanceFailure("cannot start thread \(index) of 64 for the concurrency check: the system refused")
            }
            threads.append(thread)
        }
        threads.forEach { $0.join() }
        for index in 0..<64 {
            let expected = serial[index % ids.count], got = results.get(index)
            try expect(got == expected,
                       "64 concurrent gets on a thread-safe instance: get of \(ids[index % ids.count]) on thread \(index): expected what a serial get answered, \(expected.prefix(160)), got \(got.prefix(160))")
        }
    }

    /// Resident set size of this (child) process, in bytes.
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let pages = text.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    static let memoryCalls = 10_000
    static let memoryGrowthLimit = 24 << 20

    func memory() throws {
        let instance = try setup.instance(plugin)
        let existing = plugin.operations.contains("create")
        let id = existing ? try createEntity(instance) : fields.unknownID
        // Errors are answers too (an unknown id exercises the error path), but
        // an entity that exists must be read every time.
        let run: (Int) -> (failures: Int, last: String) = { count in
            var failures = 0, last = ""
            for _ in 0..<count {
                do throws(PluginCallError) { _ = try instance.call("get", ["id": .string(id)]) } catch {
                    failures += 1
                    last = error.description
                }
            }
            return (failures, last)
        }
        _ = run(300)  // warm-up: caches, connection pools, allocator arenas
        let before = Self.residentBytes()
        let outcome = run(Self.memoryCalls)
        let grown = Self.residentBytes() - before
        if existing {
            try expect(outcome.failures == 0, "\(Self.memoryCalls) gets of entity \(id): expected every one to succeed, got \(outcome.failures) failures, the last: \(outcome.last)")
        }
        try expect(grown < Self.memoryGrowthLimit,
                   "resident memory over \(Self.memoryCalls) gets: expected growth under \(Self.memoryGrowthLimit >> 20) MB, got +\(grown >> 20) MB (\(grown / Self.memoryCalls) bytes a call)")
    }
}

/// Results written by many threads, one slot each.
final class ConcurrentResults: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [String]
    init(count: Int) { slots = Array(repeating: "", count: count) }
    func set(_ index: Int, _ value: String) { lock.withLock { slots[index] = value } }
    func get(_ index: Int) -> String { lock.withLock { slots[index] } }
}
