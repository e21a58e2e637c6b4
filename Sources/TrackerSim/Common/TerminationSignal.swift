import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Blocks the calling thread until the process gets SIGTERM or SIGINT.
///
/// The signals' default actions are turned off first and handled by dispatch
/// sources instead, so a simulator run from the command line can stop its server
/// and exit 0 rather than dying mid-write.
public enum TerminationSignal {
    /// Installs the handlers; call before announcing readiness so an early signal is not lost.
    public static func prepare() -> DispatchSemaphore {
        let semaphore = DispatchSemaphore(value: 0)
        let queue = DispatchQueue(label: "tandem.signals")
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { semaphore.signal() }
            source.resume()
            retained.append(source)
        }
        return semaphore
    }

    /// Sources must outlive `prepare`; only touched from the main thread before waiting.
    nonisolated(unsafe) private static var retained: [any DispatchSourceSignal] = []
}
