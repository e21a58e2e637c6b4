#if canImport(Glibc)
import Glibc
#endif
import Synchronization

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
    /// for the main thread, far too slow to call on every run. A cached range
    /// is used only while the caller's stack address lies inside it, so a
    /// thread id reused for a new thread with another stack is looked up again.
    private static let known = Mutex<[UInt: (bottom: UInt, top: UInt)]>([:])

    private static func threadStackBottom() -> UInt? {
        let thread = UInt(bitPattern: Int(bitPattern: UInt(pthread_self())))
        let here = currentStackAddress()
        if let range = known.withLock({ $0[thread] }), here > range.bottom, here < range.top {
            return range.bottom
        }
        guard let (bottom, size) = lookUpStack() else { return nil }
        known.withLock {
            if $0.count > 4096 { $0.removeAll() }
            $0[thread] = (bottom, bottom + size)
        }
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
