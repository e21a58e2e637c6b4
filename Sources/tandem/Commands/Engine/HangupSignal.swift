import Foundation
#if canImport(Glibc)
import Glibc
#endif
import TandemThreads
import TandemCLI

nonisolated(unsafe) private var hangupPipeWriteEnd: Int32 = -1

/// SIGHUP as a call on a thread of its own: `tandem run` reloads its
/// configuration on it, as daemons conventionally do.
///
/// The handler only writes one byte to a pipe (async-signal-safe); the thread
/// reading the pipe does the work, outside the signal context.
enum HangupSignal {
    static func install(_ action: @escaping @Sendable () -> Void) {
        guard hangupPipeWriteEnd < 0 else { return }
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return }
        let readEnd = ends[0]
        hangupPipeWriteEnd = ends[1]
        signal(SIGHUP) { _ in
            var byte: UInt8 = 1
            _ = write(hangupPipeWriteEnd, &byte, 1)
        }
        let started = WorkerThread.start(name: "sighup", detached: true) {
            var byte: UInt8 = 0
            while true {
                let count = read(readEnd, &byte, 1)
                if count == 1 { action() } else if count < 0 && errno == EINTR { continue } else { return }
            }
        }
        if started == nil { printError("tandem: cannot start the SIGHUP thread; reload by restarting the node") }
    }
}
