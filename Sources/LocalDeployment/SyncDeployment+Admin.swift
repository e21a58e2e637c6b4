import Foundation
import TandemAdminClient

extension SyncDeployment {
    public var blueAdmin: NodeAdmin { NodeAdmin(baseURL: blue.url, token: adminToken) }
    public var greenAdmin: NodeAdmin { NodeAdmin(baseURL: green.url, token: adminToken) }

    /// Waits until both nodes are idle; returns whether they got there in time.
    @discardableResult
    public func waitUntilIdle(seconds: Double = 30) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        while Date() < deadline {
            if blueAdmin.isIdle && greenAdmin.isIdle { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    /// Peak resident memory of a process in bytes (VmHWM), or nil.
    public static func peakRSS(of pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
        let kilobytes = line.split(separator: " ").compactMap { Int($0) }.first
        return kilobytes.map { $0 * 1024 }
    }

    /// User + system CPU seconds a process has used so far, or 0 once it is gone.
    public static func cpuSeconds(of pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // Fields after the command: state is 0, utime 11, stime 12 (clock ticks).
        let ticks = (Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// CPU seconds of the four processes so far: nodes and simulators.
    public var cpuSeconds: (nodes: Double, simulators: Double) {
        (Self.cpuSeconds(of: blue.processIdentifier) + Self.cpuSeconds(of: green.processIdentifier),
         Self.cpuSeconds(of: jiraSim.processIdentifier) + Self.cpuSeconds(of: serviceNowSim.processIdentifier))
    }
}
