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
}
