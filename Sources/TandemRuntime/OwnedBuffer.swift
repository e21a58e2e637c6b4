@_exported import PluginAPI
#if canImport(Glibc)
import Glibc
#endif

/// Makes and reads `tandem_buffer_t`s: bytes in `malloc`'d memory that the
/// receiver frees by calling the buffer's own `release`.
///
/// Invariant: a filled buffer's `release` frees exactly the `data` this file
/// allocated; a released buffer has `data == nil`, `size == 0`, `release == nil`.
public enum OwnedBuffer {
    /// Fills `buffer` with a copy of `bytes`.
    public static func fill(_ buffer: inout tandem_buffer_t, with bytes: [UInt8]) {
        buffer.struct_size = UInt32(MemoryLayout<tandem_buffer_t>.size)
        guard !bytes.isEmpty, let memory = malloc(bytes.count) else {
            buffer.data = nil
            buffer.size = 0
            buffer.release = nil
            return
        }
        bytes.withUnsafeBytes { memory.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
        buffer.data = UnsafePointer(memory.assumingMemoryBound(to: UInt8.self))
        buffer.size = UInt64(bytes.count)
        buffer.owner_data = nil
        buffer.release = { released in
            guard let released else { return }
            free(UnsafeMutableRawPointer(mutating: released.pointee.data))
            released.pointee.data = nil
            released.pointee.size = 0
            released.pointee.release = nil
        }
    }

    /// A copy of the buffer's bytes.
    public static func bytes(_ buffer: tandem_buffer_t) -> [UInt8] {
        guard let data = buffer.data, buffer.size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: Int(buffer.size)))
    }

    /// Calls the buffer's release function once, if it has one.
    public static func release(_ buffer: inout tandem_buffer_t) {
        if let release = buffer.release { release(&buffer) }
        buffer.release = nil
        buffer.data = nil
        buffer.size = 0
    }
}
