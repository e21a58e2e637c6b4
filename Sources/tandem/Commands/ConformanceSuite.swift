import Foundation
import TandemJSON
#if canImport(Glibc)
import Glibc
#endif

/// The parent side of `tandem plugins check`: runs every check in its own
/// child process (this executable again, in child mode) and reads its outcome.
///
/// The parent never loads the plugin, so nothing a plugin does can take it
/// down: a child that dies by a signal is a failed check naming the signal,
/// one that hangs is killed after `timeoutSeconds`.
struct ConformanceSuite {
    let pluginPath: String
    let configPath: String
    /// Overrides each check's own time limit (tests).
    var timeoutSeconds: Double?

    func run(_ checks: [ConformanceCheck] = ConformanceCheck.allCases, each: (ConformanceOutcome) -> Void) -> [ConformanceOutcome] {
        checks.map { check in
            let outcome = runChild(check)
            each(outcome)
            return outcome
        }
    }

    private func runChild(_ check: ConformanceCheck) -> ConformanceOutcome {
        let name = check.rawValue
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executablePath)
        process.arguments = ["plugins", "check", pluginPath, "--config", configPath, "--child", name]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        // A crash is an expected outcome here: no backtrace dump, just the signal.
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        process.environment = environment
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        do { try process.run() } catch {
            return .fail(name, "cannot start the check process \(Self.executablePath): \(error)")
        }
        // Drain both pipes while waiting, so a chatty child never blocks on a full pipe.
        let collected = ChildOutput()
        let readers = DispatchGroup()
        DispatchQueue.global().async(group: readers) { collected.setError(err.fileHandleForReading.readDataToEndOfFile()) }
        DispatchQueue.global().async(group: readers) { collected.setOutput(out.fileHandleForReading.readDataToEndOfFile()) }
        let limit = timeoutSeconds ?? check.timeoutSeconds
        if finished.wait(timeout: .now() + limit) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            finished.wait()
            readers.wait()
            return .fail(name, "did not finish within \(Int(limit)) s (the check process was killed)")
        }
        readers.wait()
        let stdout = String(decoding: collected.output, as: UTF8.self)
        let stderr = String(decoding: collected.error, as: UTF8.self)
        if process.terminationReason == .uncaughtSignal {
            let signal = process.terminationStatus
            return .fail(name, "the plugin crashed the check process: killed by \(Self.signalName(signal))")
        }
        if let outcome = ConformanceOutcome.fromChild(name, stdout) { return outcome }
        return .fail(name, "the check process exited with status \(process.terminationStatus) without an outcome" + Self.tail(stderr))
    }

    /// This executable, for re-running it in child mode.
    static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    static func signalName(_ number: Int32) -> String {
        let names: [Int32: String] = [
            SIGABRT: "SIGABRT", SIGSEGV: "SIGSEGV", SIGBUS: "SIGBUS", SIGILL: "SIGILL", SIGFPE: "SIGFPE",
            SIGKILL: "SIGKILL", SIGTERM: "SIGTERM", SIGTRAP: "SIGTRAP", SIGPIPE: "SIGPIPE", SIGINT: "SIGINT",
        ]
        return names[number] ?? "signal \(number)"
    }

    private static func tail(_ stderr: String) -> String {
        let lines = stderr.split(separator: "\n").suffix(2).joined(separator: " | ")
        return lines.isEmpty ? "" : " (stderr: \(lines.prefix(300)))"
    }
}

/// Bytes read from a child's pipes on two threads.
private final class ChildOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var out = Data(), err = Data()
    func setOutput(_ data: Data) { lock.withLock { out = data } }
    func setError(_ data: Data) { lock.withLock { err = data } }
    var output: Data { lock.withLock { out } }
    var error: Data { lock.withLock { err } }
}
