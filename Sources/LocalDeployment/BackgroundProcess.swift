import Foundation
import TandemThreads

/// A long-running child process (a node, a simulator) for end-to-end tests,
/// the demo and the benchmarks.
///
/// `start` returns once the child printed its `listening on URL` line, so the
/// test knows the port. Its stderr goes to a file for diagnosis. It is
/// stopped with SIGTERM (or killed with SIGKILL) when the test ends.
public final class BackgroundProcess: @unchecked Sendable {
    public let name: String
    public private(set) var url = ""
    public let stderrPath: String
    private let process = Process()

    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Starts `executable` and waits up to `timeout` seconds for `listening on URL`.
    public init(_ name: String, _ executable: String, _ arguments: [String], environment: [String: String] = [:],
                logFolder: String, currentDirectory: String? = nil, timeout: Double = 30) throws {
        self.name = name
        stderrPath = logFolder + "/\(name).stderr.log"
        // A restarted process appends to its log, so the earlier runs stay readable.
        if !FileManager.default.fileExists(atPath: stderrPath) { FileManager.default.createFile(atPath: stderrPath, contents: nil) }
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        let output = Pipe()
        process.standardOutput = output
        let logHandle = FileHandle(forWritingAtPath: stderrPath)
        _ = try? logHandle?.seekToEnd()
        process.standardError = logHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let reader = output.fileHandleForReading
        let deadline = Date(timeIntervalSinceNow: timeout)
        var buffer = ""
        while Date() < deadline {
            let data = reader.availableData
            if data.isEmpty {
                if !process.isRunning { break }
                continue
            }
            buffer += String(decoding: data, as: UTF8.self)
            if let line = buffer.split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }) {
                url = String(line.dropFirst("listening on ".count))
                Self.drain(reader)
                return
            }
        }
        process.terminate()
        let log = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        throw StartError(description: "\(name) did not print 'listening on' within \(timeout) s; stdout: \(buffer)\nstderr: \(log.suffix(2000))")
    }

    /// Keeps reading the child's stdout until it closes, so the child never
    /// blocks on a full pipe. A plain thread on its own copy of the
    /// descriptor, not a `readabilityHandler`: libdispatch's event loop has
    /// crashed the harness (SIGSEGV in `_dispatch_event_loop_drain`) when a
    /// killed child's handle was released with its handler still set.
    private static func drain(_ reader: FileHandle) {
        let fd = dup(reader.fileDescriptor)
        guard fd >= 0 else { return }
        guard WorkerThread.start(name: "stdout-drain", detached: true, stackSize: 64 << 10, {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(fd, &buffer, buffer.count)
                if count > 0 || (count < 0 && errno == EINTR) { continue }
                break
            }
            close(fd)
        }) != nil else {
            close(fd)
            return
        }
    }

    public var port: Int { Int(url.split(separator: ":").last ?? "") ?? 0 }
    public var isRunning: Bool { process.isRunning }
    public var processIdentifier: Int32 { process.processIdentifier }

    /// SIGTERM, then wait for the exit; returns the exit status.
    @discardableResult
    public func stop() -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// SIGKILL: the process gets no chance to finish anything.
    public func kill() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// The child's stderr so far (its log lines).
    public var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    deinit { if process.isRunning { kill() } }
}
