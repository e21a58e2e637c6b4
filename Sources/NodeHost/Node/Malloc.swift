import Foundation

/// glibc's `mallopt`, looked up at run time: the Glibc module does not
/// export <malloc.h>.
enum Malloc {
    enum Option: Int32 {
        case mmapThreshold = -3  // M_MMAP_THRESHOLD
        case arenaMax = -8       // M_ARENA_MAX
    }

    /// Sets `option`; false where the allocator has no `mallopt` or refuses.
    @discardableResult
    static func set(_ option: Option, _ value: Int32) -> Bool {
        guard let symbol = dlsym(nil, "mallopt") else { return false }
        let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
        return mallopt(option.rawValue, value) == 1
    }

    /// Two arenas for the whole node, set before it starts its threads.
    ///
    /// glibc gives threads that meet on a lock arenas of their own, up to 8
    /// per core, and each keeps the memory freed into it. The node's threads
    /// (a worker pool per connection, one per HTTP connection) spread small
    /// allocations over all of them: at 20,000 linked entities the Jira-side
    /// node held 46 MiB resident with the default and 41 MiB with two, at
    /// the same CPU per change (measured side by side, `tandem-bench scale`).
    static func limitArenas() { set(.arenaMax, 2) }
}
