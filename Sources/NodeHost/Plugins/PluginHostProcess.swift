import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One running `tandem plugin-host` child and the node's end of its socketpair.
///
/// The child gets its end as fd 3, and its end of the doorbell
/// (`FrameChannel.Reading`) as fd 4, and closes every other descriptor it
/// inherited first thing (`PluginHostServer.closeInheritedDescriptors`), so
/// it never holds the node's listening socket or store.
/// It exits when its end reports EOF, so a node that dies takes its plugin
/// hosts with it. Runtime backtraces are off in the child: a crashing plugin
/// is an expected event there, reported by the node with its signal.
///
/// Thread: any.
final class PluginHostProcess: @unchecked Sendable {
    let pid: pid_t
    let channel: FrameChannel
    private let exit = Mutex<Int32?>(nil)

    /// Starts `executable plugin-host --plugin pluginPath --fd 3`; `handler` serves its host-service requests.
    init(executable: String, pluginPath: String, handler: @escaping FrameChannel.Handler) throws(PluginCallError) {
        var fds: [Int32] = [-1, -1], bell: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
            throw PluginCallError(.transient, "cannot create a socketpair for the plugin host: \(String(cString: strerror(errno)))")
        }
        // A socketpair rather than a pipe: close-on-exec from the start, as for the channel.
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &bell) == 0 else {
            let reason = String(cString: strerror(errno))
            fds.forEach { Glibc.close($0) }
            throw PluginCallError(.transient, "cannot create the doorbell for the plugin host: \(reason)")
        }
        _ = fcntl(bell[1], F_SETFL, fcntl(bell[1], F_GETFL) | O_NONBLOCK)
        // dup2 onto 3 and 4 must not overwrite the other, and dup2(n, n) would keep FD_CLOEXEC.
        let socketEnd = Self.movedAbove4(fds[1]), bellEnd = Self.movedAbove4(bell[0])
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, socketEnd, 3)
        posix_spawn_file_actions_adddup2(&actions, bellEnd, 4)
        let arguments = [executable, "plugin-host", "--plugin", pluginPath, "--fd", "3", "--doorbell", "4"]
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        Glibc.close(socketEnd)
        Glibc.close(bellEnd)
        guard rc == 0 else {
            Glibc.close(fds[0])
            Glibc.close(bell[1])
            throw PluginCallError(.transient, "cannot start the plugin host \(executable): \(String(cString: strerror(rc)))")
        }
        self.pid = pid
        channel = FrameChannel(fd: fds[0], reading: .callers(doorbell: bell[1]), handler: handler)
        channel.start(name: "tandem.plugin-host.\(pid).reader")
    }

    deinit {
        channel.close()
        kill()
        _ = waitForExit()
    }

    /// SIGKILL: for a call that outlived its timeout, or at shutdown.
    func kill() {
        if exit.withLock({ $0 }) == nil { Glibc.kill(pid, SIGKILL) }
    }

    /// Reaps the child (blocking until it has exited) and returns its wait status.
    @discardableResult
    func waitForExit() -> Int32 {
        exit.withLock { status in
            if let status { return status }
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
            status = raw
            return raw
        }
    }

    /// `fd`, or a close-on-exec copy of it above 4 when it is 3 or 4.
    private static func movedAbove4(_ fd: Int32) -> Int32 {
        guard fd == 3 || fd == 4 else { return fd }
        let moved = fcntl(fd, F_DUPFD_CLOEXEC, 10)
        Glibc.close(fd)
        return moved
    }

    /// "crashed (SIGSEGV)", or "exited with status N", for a reaped wait status.
    static func describe(_ status: Int32) -> String {
        let signal = status & 0x7f
        if signal != 0 { return "crashed (\(signalName(signal)))" }
        return "exited with status \((status >> 8) & 0xff)"
    }
}
