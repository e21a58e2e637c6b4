import Glibc

extension String {
    /// Whether `needle` occurs in this string, compared byte for byte.
    ///
    /// memchr and memcmp over the UTF-8 bytes: Foundation's `contains` goes
    /// through CFString, and the standard library's generic
    /// `firstRange(of:)` is slower still; both showed in the profile of
    /// every log line and every tracker request.
    func containsBytes(_ needle: String) -> Bool {
        var haystack = self
        var needle = needle
        return haystack.withUTF8 { hay in
            needle.withUTF8 { pin in
                guard let first = pin.first else { return true }
                guard let base = hay.baseAddress, hay.count >= pin.count else { return false }
                var start = 0
                while let found = memchr(base + start, Int32(first), hay.count - pin.count + 1 - start) {
                    let index = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                    if memcmp(base + index, pin.baseAddress!, pin.count) == 0 { return true }
                    start = index + 1  // at most one past the last start: memchr then gets 0 bytes
                }
                return false
            }
        }
    }
}
