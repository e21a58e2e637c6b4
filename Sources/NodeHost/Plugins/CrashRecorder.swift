#if canImport(Glibc)
import Glibc
#endif

/// Catches a crash signal once to note it in the in-flight file's header
/// (see `InFlightCalls`), then lets the process die exactly as it would have.
///
/// The handler is async-signal-safe: two plain stores into the mapping, one
/// `sigaction` to put the previous handler back, and a return. Returning
/// re-runs the faulting instruction (or, for `abort`, glibc raises SIGABRT
/// again), which now meets the previous handler: the Swift runtime's
/// backtracer if it had one, else the default action.
enum CrashRecorder {
    static let signals: [Int32] = [SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGABRT]

    /// Makes crashes note themselves in `header` (the newest node's, when a
    /// process runs several). The handler is installed once per process: a
    /// second install would save the handler itself as "previous" and loop.
    static func install(header: UnsafeMutableRawPointer) {
        crashHeader = header
        guard previousActions == nil else { return }
        let previous = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)
        previous.initialize(repeating: sigaction(), count: 65)
        previousActions = previous
        for signal in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_sigaction = crashHandler
            action.sa_flags = SA_SIGINFO | SA_ONSTACK
            sigemptyset(&action.sa_mask)
            sigaction(signal, &action, previous + Int(signal))
        }
    }

    /// Stops noting crashes in `header` (its mapping is about to go).
    static func forget(header: UnsafeMutableRawPointer) {
        if crashHeader == header { crashHeader = nil }
    }
}

/// Set once before the handler is installed, read only by the handler.
nonisolated(unsafe) private var crashHeader: UnsafeMutableRawPointer?
nonisolated(unsafe) private var previousActions: UnsafeMutablePointer<sigaction>?

private let crashHandler: @convention(c) (Int32, UnsafeMutablePointer<siginfo_t>?, UnsafeMutableRawPointer?) -> Void = { signal, _, _ in
    if let header = crashHeader {
        header.storeBytes(of: UInt64(pthread_self()), toByteOffset: 24, as: UInt64.self)
        header.storeBytes(of: signal, toByteOffset: 16, as: Int32.self)
    }
    if let previous = previousActions {
        sigaction(signal, previous + Int(signal), nil)
    } else {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = SIG_DFL
        sigaction(signal, &action, nil)
    }
}
