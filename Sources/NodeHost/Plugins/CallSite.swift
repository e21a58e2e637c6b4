#if canImport(Glibc)
import Glibc
#endif

/// The work item a plugin call is made for: which connection, which parked
/// lane (`out:<local id>`, `in:<peer entity id>`) and which entity an
/// operator knows it by.
///
/// The scheduler sets it for the thread that runs the item (`CallSite.with`),
/// so every plugin call made while processing it, however deep in a stage,
/// can be charged to that entity when it crashes or hangs.
struct CallSite: Sendable, Equatable {
    var connection: String
    var lane: String
    var entity: String

    /// The site of the calling thread, if it runs a work item.
    static var current: CallSite? {
        guard let raw = pthread_getspecific(key) else { return nil }
        return Unmanaged<Box>.fromOpaque(raw).takeUnretainedValue().site
    }

    /// Runs `body` with `site` as the thread's current site, restoring the previous one after.
    static func with<T>(_ site: CallSite, _ body: () throws -> T) rethrows -> T {
        let previous = pthread_getspecific(key)
        let box = Unmanaged.passRetained(Box(site))
        pthread_setspecific(key, box.toOpaque())
        defer {
            pthread_setspecific(key, previous)
            box.release()
        }
        return try body()
    }

    private final class Box {
        let site: CallSite
        init(_ site: CallSite) { self.site = site }
    }

    /// One key for the process; never deleted.
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "pthread_key_create failed")
        return key
    }()
}
