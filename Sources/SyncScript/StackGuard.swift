#if canImport(Glibc)
import Glibc
#endif

/// Keeps the parser's and interpreter's recursion off the end of the native
/// stack, whatever thread a host runs a script on.
///
/// The limits (`nesting`, `callDepth`) bound recursion in script terms; this
/// guard bounds it in bytes, because frame sizes differ between debug,
/// release and sanitizer builds and thread stacks differ between hosts. It
/// reads the calling thread's stack bounds once, when a parse or run starts.
struct StackGuard {
    /// Below this address the script stops with a depth error.
    let floor: UInt

    /// Room left for the frames between two checks and for host callbacks.
    static let reserve: UInt = 256 * 1024
    /// Never use more than this much stack, even on a huge main thread.
    static let maximumUse: UInt = 4 * 1024 * 1024

    init() {
        let here = currentStackAddress()
        guard let bottom = StackGuard.threadStackBottom(), here > bottom else {
            floor = here &- min(here, 512 * 1024)
            return
        }
        let available = here - bottom
        let usable = available > 2 * Self.reserve ? min(available - Self.reserve, Self.maximumUse) : available / 2
        floor = here - usable
    }

    /// True while there is stack to spare.
    @inline(__always) var hasRoom: Bool { currentStackAddress() > floor }

    private typealias GetAttr = @convention(c) (pthread_t, UnsafeMutablePointer<pthread_attr_t>) -> Int32

    /// `pthread_getattr_np` is a GNU extension the Glibc module does not
    /// import, so it is looked up once by name.
    private static let getAttr: GetAttr? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pthread_getattr_np") else { return nil }
        return unsafeBitCast(symbol, to: GetAttr.self)
    }()

    /// Stack ranges by thread: `pthread_getattr_np` reads /proc/self/maps
    /// for the main thread, far too slow to call on every run, so each thread
    /// keeps its range in a thread-specific slot. A cached range is used only
    /// while the caller's stack address lies inside it.
    private final class Range {
        let bottom: UInt
        let top: UInt
        init(bottom: UInt, top: UInt) {
            self.bottom = bottom
            self.top = top
        }
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { pointer in
            if let pointer { Unmanaged<Range>.fromOpaque(pointer).release() }
        }
        return key
    }()

    private static func threadStackBottom() -> UInt? {
        let here = currentStackAddress()
        if let pointer = pthread_getspecific(key) {
            let range = Unmanaged<Range>.fromOpaque(pointer).takeUnretainedValue()
            if here > range.bottom, here < range.top { return range.bottom }
            Unmanaged<Range>.fromOpaque(pointer).release()
            pthread_setspecific(key, nil)
        }
        guard let (bottom, size) = lookUpStack() else { return nil }
        pthread_setspecific(key, Unmanaged.passRetained(Range(bottom: bottom, top: bottom + size)).toOpaque())
        return bottom
    }

    private static func lookUpStack() -> (UInt, UInt)? {
        guard let getAttr else { return nil }
        var attributes = pthread_attr_t()
        guard getAttr(pthread_self(), &attributes) == 0 else { return nil }
        defer { pthread_attr_destroy(&attributes) }
        var address: UnsafeMutableRawPointer?
        var size = 0
        guard pthread_attr_getstack(&attributes, &address, &size) == 0, let address else { return nil }
        return (UInt(bitPattern: address), UInt(size))
    }
}

/// An address in the caller's frame (the stack grows down on every platform
/// Tandem runs on).
@inline(never) func currentStackAddress() -> UInt {
    var marker: UInt8 = 0
    return withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
}
