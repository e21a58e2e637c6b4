#if canImport(Glibc)
import Glibc
#endif

/// The process's limit of open file descriptors (`ulimit -n`).
///
/// Every connection holds one descriptor; Debian's default soft limit of
/// 1024 would refuse connections well below `maxConnections`. The soft limit
/// may be raised up to the hard limit without privileges, which
/// `HTTPServer.start()` does; the hard limit is the operator's (systemd
/// `LimitNOFILE=`, `/etc/security/limits.conf`).
public enum FileLimit {
    /// Raises the soft limit to `wanted` (at most the hard limit); returns the
    /// soft limit in force afterwards.
    @discardableResult
    public static func raise(toAtLeast wanted: Int) -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        let target = min(rlim_t(wanted), limit.rlim_max)
        if limit.rlim_cur < target {
            limit.rlim_cur = target
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
            _ = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        return Int(clamping: limit.rlim_cur)
    }
}
