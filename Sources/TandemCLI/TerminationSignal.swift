#if canImport(Glibc)
import Glibc
#endif

/// The write end of the self-pipe; set once by `install()` before any signal can
/// arrive, then only read (from the handler). A C signal handler cannot capture
/// context, so this has to be a global.
nonisolated(unsafe) private var terminationPipeWriteEnd: Int32 = -1
nonisolated(unsafe) private var terminationPipeReadEnd: Int32 = -1

/// Lets a long-running command (a node, a simulator, the demo) stop cleanly
/// on SIGTERM or SIGINT.
///
/// `install()` sets the handlers synchronously (a dispatch signal source registers
/// later, so a signal sent right after the readiness line could be lost); the
/// handler only writes one byte to a pipe, which is async-signal-safe, and
/// `wait()` blocks on that pipe. Call `install()` before announcing readiness.
public enum TerminationSignal {
    public static func install() {
        guard terminationPipeWriteEnd < 0 else { return }
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return }
        terminationPipeReadEnd = ends[0]
        terminationPipeWriteEnd = ends[1]
        for number in [SIGTERM, SIGINT] {
            signal(number) { _ in
                var byte: UInt8 = 1
                _ = write(terminationPipeWriteEnd, &byte, 1)
            }
        }
    }

    /// Blocks until SIGTERM or SIGINT arrives (after `install()`).
    public static func wait() {
        var byte: UInt8 = 0
        while read(terminationPipeReadEnd, &byte, 1) < 0 && errno == EINTR {}
    }
}
