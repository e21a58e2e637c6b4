import Foundation
import TandemCLI
#if canImport(Glibc)
import Glibc
#endif

/// A throw-away nginx for benchmarks: one worker, in the foreground, with its
/// prefix, config, pid and logs in a temporary folder, serving `hello.txt` on
/// a free loopback port, and over TLS on a second one when given a
/// certificate. `stop()` ends it and removes the folder.
final class NginxInstance {
    let port: Int
    /// The HTTPS port (0 without a certificate).
    let tlsPort: Int
    private let process: Process
    private let folder: String

    init(nginx: String, body: [UInt8], tls: (certificateFile: String, keyFile: String)? = nil) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-nginx-\(getpid())").path
        try? FileManager.default.removeItem(atPath: folder)
        try FileManager.default.createDirectory(atPath: folder + "/www", withIntermediateDirectories: true)
        try Data(body).write(to: URL(fileURLWithPath: folder + "/www/hello.txt"))
        port = try NginxInstance.freePort()
        let tlsPort = tls == nil ? 0 : try NginxInstance.freePort()
        self.tlsPort = tlsPort
        let folder = self.folder
        let tlsServer = tls.map { files in
            """
                server {
                    listen 127.0.0.1:\(tlsPort) ssl;
                    ssl_certificate \(files.certificateFile);
                    ssl_certificate_key \(files.keyFile);
                    ssl_protocols TLSv1.2 TLSv1.3;
                    root \(folder)/www;
                }
            """
        } ?? ""
        let config = """
            worker_processes 1;
            daemon off;
            pid \(folder)/nginx.pid;
            error_log \(folder)/error.log warn;
            events { worker_connections 1024; }
            http {
                access_log off;
                client_body_temp_path \(folder)/body;
                proxy_temp_path \(folder)/proxy;
                fastcgi_temp_path \(folder)/fastcgi;
                uwsgi_temp_path \(folder)/uwsgi;
                scgi_temp_path \(folder)/scgi;
                default_type text/plain;
                keepalive_requests 1000000;
                server {
                    listen 127.0.0.1:\(port);
                    root \(folder)/www;
                }
            \(tlsServer)
            }
            """
        try config.write(toFile: folder + "/nginx.conf", atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: nginx)
        process.arguments = ["-p", folder, "-c", folder + "/nginx.conf", "-e", folder + "/error.log"]
        try process.run()
        for _ in 0..<100 {
            if NginxInstance.accepts(port) { return }
            if !process.isRunning { break }
            usleep(50_000)
        }
        let log = (try? String(contentsOfFile: folder + "/error.log", encoding: .utf8)) ?? ""
        stop()
        throw CommandError("nginx did not start on 127.0.0.1:\(port); its error log says:\n\(log)")
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// A port that was free a moment ago (bind to 0, read it, close).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard ok else { throw CommandError("cannot find a free loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
