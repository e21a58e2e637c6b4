import Foundation

/// A TCP port on 127.0.0.1 that was free a moment ago (bound, then released).
///
/// Chosen at random below the kernel's ephemeral range
/// (`/proc/sys/net/ipv4/ip_local_port_range`): a port from inside it may be
/// taken as the local end of any outgoing connection, a node's own included,
/// before the process it is meant for binds it. Below the range only another
/// listener can take it, and the random pick makes that unlikely. Where the
/// range starts too low to leave room, the kernel picks.
public func freePort() -> Int {
    let start = ephemeralRangeStart()
    while true {
        if let port = bound(start > 11_000 ? Int.random(in: 10_000..<start) : 0) { return port }
    }
}

/// The first port of the kernel's ephemeral range (32768 when unreadable).
private func ephemeralRangeStart() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8),
          let first = text.split(whereSeparator: \.isWhitespace).first.flatMap({ Int($0) }) else { return 32768 }
    return first
}

/// Binds `port` (0: any) and releases it; the port bound, nil when taken.
private func bound(_ port: Int) -> Int? {
    let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socketFD) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = UInt16(port).bigEndian
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let status = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, length) } }
    guard status == 0 else { return nil }
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketFD, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}
