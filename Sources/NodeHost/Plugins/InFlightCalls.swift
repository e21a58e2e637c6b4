import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The plugin calls running right now, kept in a small memory-mapped file of
/// the data folder (`inflight.map`) so that the record outlives the process.
///
/// Why a mapped file and not the store: every call is recorded and cleared, and
/// a store write waits for an fsync each time. A store
/// into a shared file mapping costs a copy of a few hundred bytes, and the
/// kernel keeps the page when the process dies however it dies (a segfault in
/// a plugin, SIGKILL, the OOM killer). Only a power loss or a kernel crash can
/// lose the record; then no entity is charged, which is the safe side.
///
/// A crash signal (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGABRT) is caught
/// once: the handler writes the signal and the crashing thread into the
/// header, puts back the handler that was there before and returns, so the
/// fault happens again and the process dies as it would have. On the next
/// start, `interrupted` says which calls were running and why they stopped.
///
/// Layout (native endianness; the file never leaves the machine):
///   header (64 bytes): "TNDMCALL", version u32, slots u32, crash signal i32,
///                      clean exit u32, crashing thread u64
///   slot (512 bytes):  busy u32, reserved u32, thread u64, started ms i64,
///                      plugin[48], operation[32], connection[64], lane[176], entity[168]
///
/// Thread: any.
final class InFlightCalls: @unchecked Sendable {
    static let slotCount = 256
    static let headerSize = 64
    static let slotSize = 512
    static let fileName = "inflight.map"
    private static let magic = Array("TNDMCALL".utf8)
    private static let fields: [(offset: Int, size: Int)] = [(24, 48), (72, 32), (104, 64), (168, 176), (344, 168)]

    /// The calls that were running when the previous process ended without a clean stop.
    let interrupted: [InterruptedCall]
    let path: String
    private let base: UnsafeMutableRawPointer
    private let length: Int
    private let free = Mutex<[Int]>([])
    private let running = Mutex<[Int: RunningCall]>([:])

    /// Maps (creating if needed) the file at `path`, reads what the previous
    /// process left, and clears it.
    init(path: String) throws(NodeStartError) {
        self.path = path
        length = Self.headerSize + Self.slotCount * Self.slotSize
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw NodeStartError("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw NodeStartError("cannot stat \(path): \(String(cString: strerror(errno)))") }
        let previousSize = Int(status.st_size)
        // Allocated, not just sized: a store into a hole of a mapping on a
        // full file system would kill the process with SIGBUS.
        if previousSize != length, ftruncate(fd, off_t(length)) != 0 {
            throw NodeStartError("cannot size \(path): \(String(cString: strerror(errno)))")
        }
        let allocated = posix_fallocate(fd, 0, off_t(length))
        guard allocated == 0 else {
            throw NodeStartError("cannot allocate \(path): \(String(cString: strerror(allocated))); is the data folder's disk full?")
        }
        guard let mapped = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), mapped != MAP_FAILED else {
            throw NodeStartError("cannot map \(path): \(String(cString: strerror(errno)))")
        }
        base = mapped
        interrupted = previousSize == length ? Self.readInterrupted(mapped) : []
        memset(mapped, 0, length)
        Self.magic.withUnsafeBytes { mapped.copyMemory(from: $0.baseAddress!, byteCount: 8) }
        mapped.storeBytes(of: UInt32(1), toByteOffset: 8, as: UInt32.self)
        mapped.storeBytes(of: UInt32(Self.slotCount), toByteOffset: 12, as: UInt32.self)
        free.withLock { $0 = Array((0..<Self.slotCount).reversed()) }
    }

    deinit {
        CrashRecorder.forget(header: base)
        munmap(base, length)
    }

    /// Records a call about to start; nil when every slot is taken (the call
    /// then runs unrecorded: a crash in it charges no entity).
    func begin(_ call: RunningCall) -> Int? {
        guard let slot = free.withLock({ $0.popLast() }) else { return nil }
        let pointer = base + Self.headerSize + slot * Self.slotSize
        pointer.storeBytes(of: UInt64(pthread_self()), toByteOffset: 8, as: UInt64.self)
        pointer.storeBytes(of: call.startedMs, toByteOffset: 16, as: Int64.self)
        let values = [call.plugin, call.operation, call.site?.connection ?? "", call.site?.lane ?? "", call.site?.entity ?? ""]
        for (value, field) in zip(values, Self.fields) { Self.write(value, to: pointer + field.offset, capacity: field.size) }
        pointer.storeBytes(of: UInt32(1), toByteOffset: 0, as: UInt32.self)  // last: a half-written slot is never busy
        running.withLock { $0[slot] = call }
        return slot
    }

    /// Clears the slot of a call that returned.
    func end(_ slot: Int) {
        (base + Self.headerSize + slot * Self.slotSize).storeBytes(of: UInt32(0), toByteOffset: 0, as: UInt32.self)
        running.withLock { $0[slot] = nil }
        free.withLock { $0.append(slot) }
    }

    /// The calls running now by slot, for the stall watchdog.
    var runningCalls: [Int: RunningCall] { running.withLock { $0 } }

    /// Marks a clean stop: whatever is still running then (a hung plugin call
    /// abandoned at shutdown) is not charged to its entity on the next start.
    func markCleanExit() {
        base.storeBytes(of: UInt32(1), toByteOffset: 20, as: UInt32.self)
    }

    /// Makes crash signals in this process leave their number and thread in this file's header.
    func installCrashRecorder() {
        CrashRecorder.install(header: base)
    }

    private static func write(_ value: String, to pointer: UnsafeMutableRawPointer, capacity: Int) {
        var bytes = Array(value.utf8.prefix(capacity - 1))
        bytes.append(0)
        bytes.withUnsafeBytes { pointer.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
    }

    private static func read(_ pointer: UnsafeRawPointer, capacity: Int) -> String {
        let bytes = UnsafeRawBufferPointer(start: pointer, count: capacity)
        return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    private static func readInterrupted(_ header: UnsafeMutableRawPointer) -> [InterruptedCall] {
        guard Array(UnsafeRawBufferPointer(start: header, count: 8)) == magic,
              header.load(fromByteOffset: 20, as: UInt32.self) == 0 else { return [] }
        let signal = header.load(fromByteOffset: 16, as: Int32.self)
        let crashingThread = header.load(fromByteOffset: 24, as: UInt64.self)
        var calls: [InterruptedCall] = []
        for slot in 0..<slotCount {
            let pointer = header + headerSize + slot * slotSize
            guard pointer.load(as: UInt32.self) == 1 else { continue }
            let strings = fields.map { read(pointer + $0.offset, capacity: $0.size) }
            let thread = pointer.load(fromByteOffset: 8, as: UInt64.self)
            let cause: InterruptedCall.Cause
            if signal == 0 {
                cause = .nodeDied
            } else if thread == crashingThread {
                cause = .crashed(signal: signal)
            } else {
                cause = .otherThreadCrashed(signal: signal)
            }
            let site = strings[3].isEmpty ? nil : CallSite(connection: strings[2], lane: strings[3], entity: strings[4])
            calls.append(InterruptedCall(plugin: strings[0], operation: strings[1], site: site,
                                         startedMs: pointer.load(fromByteOffset: 16, as: Int64.self), cause: cause))
        }
        return calls
    }
}

/// A plugin call in progress.
struct RunningCall: Sendable, Equatable {
    var plugin: String
    var instance: String
    var operation: String
    var site: CallSite?
    var startedMs: Int64
    var timeoutMs: Int64
    /// In a plugin host, which kills it at its timeout itself.
    var isolated = false
}

/// A call that was running when the previous process ended.
struct InterruptedCall: Sendable, Equatable {
    enum Cause: Sendable, Equatable {
        /// This call's thread received the crash signal: the plugin crashed.
        case crashed(signal: Int32)
        /// Another thread crashed; this call was a bystander.
        case otherThreadCrashed(signal: Int32)
        /// The process ended without a crash signal (SIGKILL, OOM killer).
        case nodeDied
    }

    var plugin: String
    var operation: String
    var site: CallSite?
    var startedMs: Int64
    var cause: Cause

    /// Whether the death is charged to the call's entity.
    var chargesEntity: Bool {
        if case .otherThreadCrashed = cause { return false }
        return site != nil
    }

    /// "crashed (SIGSEGV)" or "the node died", as the parked reason says it.
    var what: String {
        switch cause {
        case .crashed(let signal): return "crashed (\(signalName(signal)))"
        case .otherThreadCrashed(let signal): return "was interrupted when another thread crashed (\(signalName(signal)))"
        case .nodeDied: return "was running when the node died"
        }
    }
}

/// "SIGSEGV" for 11, …; "signal N" for others.
func signalName(_ signal: Int32) -> String {
    switch signal {
    case SIGSEGV: return "SIGSEGV"
    case SIGABRT: return "SIGABRT"
    case SIGBUS: return "SIGBUS"
    case SIGFPE: return "SIGFPE"
    case SIGILL: return "SIGILL"
    case SIGTRAP: return "SIGTRAP"
    case SIGKILL: return "SIGKILL"
    case SIGTERM: return "SIGTERM"
    default: return "signal \(signal)"
    }
}
