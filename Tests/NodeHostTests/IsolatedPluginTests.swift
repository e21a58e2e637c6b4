import Foundation
@testable import NodeHost
import TandemJSON
import TestSupport
import XCTest

/// An instance with `isolation: "process"` answers like one in the node,
/// while a crash or a hang in the plugin costs only its plugin host.
final class IsolatedPluginTests: XCTestCase {
    private let folder = TemporaryDirectory("isolated")

    private func isolated(_ path: String, configuration: JSON = [:], logs: LogRecorder = LogRecorder(),
                          timeoutMs: Int64 = 30_000) throws -> PluginInstance {
        let plugin = try PluginLoader().load(path: path).get()
        let services = HostServices(
            log: { _, level, message in logs.append("\(level) \(message)") },
            http: { request in .failure(.unreachable("no network in this test: \(request.url)")) },
            secret: { _ in nil }, nowMs: { 1_700_000_000_000 })
        return try PluginInstance(plugin: plugin, name: "isolated", configuration: configuration, services: services,
                                  isolation: .process, hostExecutable: TestPaths.tandem, timeoutMs: timeoutMs)
    }

    private func faulty(_ fault: String) throws -> String {
        let example = TestPaths.packageRoot + "/Examples/CConnector/"
        return try CCompiler.sdkConnector([TestPaths.fixture("plugins/faulty_filestore.c")], output: folder.file("lib\(fault).so"),
                                          defines: [fault, "FILESTORE_SOURCE=\"\(example)filestore.c\""])
    }

    func testAnIsolatedInstanceAnswersLikeOneInTheNode_HostLogIncluded() throws {
        let logs = LogRecorder()
        let instance = try isolated(try FixturePlugins.buildCExample(in: folder), configuration: ["dir": .string(folder.file("store"))],
                                    logs: logs)
        XCTAssertNotNil(instance.pluginHostPID)
        XCTAssertNotEqual(instance.pluginHostPID, getpid())
        let created = try instance.call("create", ["fields": ["summary": "from the child"]]).json
        let read = try instance.call("get", ["key": created["key"] ?? .null]).json
        XCTAssertEqual(read["fields"]?["summary"], "from the child")
        XCTAssertTrue(logs.lines.contains("1 c-filestore instance ready"), "\(logs.lines)")
        XCTAssertThrowsError(try instance.call("get", ["key": "FS-99"])) { error in
            XCTAssertEqual((error as? PluginCallError)?.kind, .notFound)
        }
    }

    func testBlobsCrossTheChannelBothWays() throws {
        let instance = try isolated(try FixturePlugins.build("libecho.so", in: folder))
        let bytes = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let output = try instance.call("echo", ["n": 1], blob: bytes)
        XCTAssertEqual(output.json, ["n": 1])
        XCTAssertEqual(output.blob, bytes)
    }

    func testAPluginThatAborts_FailsTheCallAsTransient_AndItsHostIsStartedAgain() throws {
        let instance = try isolated(try FixturePlugins.build("libabort.so", ["FIXTURE_ABORT_IN=\"echo\""], in: folder))
        let first = instance.pluginHostPID
        XCTAssertThrowsError(try instance.call("echo", ["x": 1])) { error in
            let error = error as? PluginCallError
            XCTAssertEqual(error?.kind, .transient)
            XCTAssertTrue(error?.message.contains("crashed (SIGABRT) during echo") == true, "\(String(describing: error))")
        }
        XCTAssertTrue(eventually(timeout: 30) { (try? instance.call("describe")) != nil }, "a new plugin host answers")
        XCTAssertNotEqual(instance.pluginHostPID, first)
    }

    func testACallOutlivingTheTimeout_KillsItsHost_AndFailsAsTransient() throws {
        let instance = try isolated(try faulty("FAULT_HANG"), configuration: ["dir": .string(folder.file("store"))], timeoutMs: 1_000)
        try JSON.object(["id": "2", "key": "FS-2", "fields": [:]]).text.write(toFile: folder.file("store/2.json"), atomically: true, encoding: .utf8)
        let hung = instance.pluginHostPID
        XCTAssertThrowsError(try instance.call("get", ["id": "2"])) { error in
            let error = error as? PluginCallError
            XCTAssertEqual(error?.kind, .transient)
            XCTAssertTrue(error?.message.contains("timed out after 1000 ms") == true, "\(String(describing: error))")
        }
        XCTAssertEqual(kill(try XCTUnwrap(hung), 0), -1, "the hung plugin host is gone")
        XCTAssertTrue(eventually(timeout: 30) { (try? instance.call("describe")) != nil })
    }
}

/// Two ends of one socketpair, each answering the other.
final class FrameChannelTests: XCTestCase {
    func testResponsesComeBackByID_NotInOrder() throws {
        var fds: [Int32] = [-1, -1]
        XCTAssertEqual(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds), 0)
        let release = DispatchSemaphore(value: 0)
        let bell = Self.doorbell()
        let server = FrameChannel(fd: fds[1], reading: .workers(doorbell: bell.read), handler: { frame in
            if frame.operation == "slow" { release.wait() }
            return PluginFrame(id: frame.id, kind: .response, json: Array(frame.operation.utf8))
        })
        let client = FrameChannel(fd: fds[0], reading: .callers(doorbell: bell.write), handler: { _ in nil })
        server.start(name: "server")
        client.start(name: "client")
        let slowAnswer = Locked<String?>(nil)
        let slow = Thread { slowAnswer.set((try? client.request("slow", json: [])).map { String(decoding: $0.json, as: UTF8.self) }) }
        slow.start()
        let fast = try client.request("fast", json: [], timeoutMs: 30_000)
        XCTAssertEqual(String(decoding: fast.json, as: UTF8.self), "fast", "answered while the slow request is still running")
        XCTAssertNil(slowAnswer.get())
        release.signal()
        XCTAssertTrue(eventually { slowAnswer.get() == "slow" })
        server.close()
    }

    func testAWaiterThatTimesOutWhileReading_HandsTheReadingOn_SoAnotherWaiterGetsItsAnswer() throws {
        var fds: [Int32] = [-1, -1]
        XCTAssertEqual(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds), 0)
        let arrived = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let bell = Self.doorbell()
        let server = FrameChannel(fd: fds[1], reading: .workers(doorbell: bell.read), handler: { frame in
            arrived.signal()
            release.wait()
            return PluginFrame(id: frame.id, kind: .response, json: Array(frame.operation.utf8))
        })
        let client = FrameChannel(fd: fds[0], reading: .callers(doorbell: bell.write), handler: { _ in nil })
        server.start(name: "server")
        let first = Locked<FrameChannel.Failure?>(nil)
        let impatient = Thread {
            do throws(FrameChannel.Failure) { _ = try client.request("impatient", json: [], timeoutMs: 300) } catch { first.set(error) }
        }
        impatient.start()
        XCTAssertEqual(arrived.wait(timeout: .now() + 30), .success)
        let patientAnswer = Locked<String?>(nil)
        let patient = Thread { patientAnswer.set((try? client.request("patient", json: [], timeoutMs: 60_000)).map { String(decoding: $0.json, as: UTF8.self) }) }
        patient.start()
        XCTAssertEqual(arrived.wait(timeout: .now() + 30), .success)
        XCTAssertTrue(eventually { first.get() == .timedOut }, "the first request gives up at its deadline")
        release.signal()
        release.signal()
        XCTAssertTrue(eventually { patientAnswer.get() == "patient" }, "the other request is still read and answered")
        server.close()
    }

    func testARequestFromTheOtherSideDuringACall_IsAnsweredByThisSide() throws {
        var fds: [Int32] = [-1, -1]
        XCTAssertEqual(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds), 0)
        let serverBox = Locked<FrameChannel?>(nil)
        let server = FrameChannel(fd: fds[1], reading: .workers(doorbell: nil), handler: { frame in
            let back = try? serverBox.get()?.request("host.echo", json: frame.json, timeoutMs: 30_000)
            return PluginFrame(id: frame.id, kind: .response, json: Array("echoed ".utf8) + (back?.json ?? []))
        })
        serverBox.set(server)
        let client = FrameChannel(fd: fds[0], reading: .callers(doorbell: nil), handler: { frame in
            PluginFrame(id: frame.id, kind: .response, json: frame.json)
        })
        server.start(name: "server")
        let answer = try client.request("ask", json: Array("hello".utf8), timeoutMs: 30_000)
        XCTAssertEqual(String(decoding: answer.json, as: UTF8.self), "echoed hello")
        server.close()
        serverBox.set(nil)
    }

    /// A pipe like the plugin host's doorbell: read end blocking, write end not.
    static func doorbell() -> (read: Int32, write: Int32) {
        var ends: [Int32] = [-1, -1]
        XCTAssertEqual(pipe(&ends), 0)
        _ = fcntl(ends[1], F_SETFL, fcntl(ends[1], F_GETFL) | O_NONBLOCK)
        return (ends[0], ends[1])
    }

    func testAClosedPeer_FailsTheWaitingRequest() throws {
        var fds: [Int32] = [-1, -1]
        XCTAssertEqual(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds), 0)
        let client = FrameChannel(fd: fds[0], reading: .callers(doorbell: nil), handler: { _ in nil })
        client.start(name: "client")
        let other = fds[1]
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { close(other) }
        XCTAssertThrowsError(try client.request("anything", json: [], timeoutMs: 30_000)) { error in
            XCTAssertEqual(error as? FrameChannel.Failure, .closed)
        }
    }
}

/// A value shared between a test and its threads.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func get() -> Value { lock.withLock { value } }
    func set(_ newValue: Value) { lock.withLock { value = newValue } }
}
