import CSSL
#if canImport(Glibc)
import Glibc
#endif

/// The files that make an `HTTPServer` serve HTTPS.
public struct HTTPServerTLS: Sendable, Equatable {
    /// PEM: the server certificate, then any intermediates.
    public var certificateFile: String
    /// PEM private key of the certificate (unencrypted).
    public var privateKeyFile: String

    public init(certificateFile: String, privateKeyFile: String) {
        self.certificateFile = certificateFile
        self.privateKeyFile = privateKeyFile
    }
}

/// A server `SSL_CTX`: TLS 1.2 or newer, the configured certificate chain
/// and key, OpenSSL's server-side session cache and tickets (resumption).
/// Immutable after init, so shared by every connection thread.
final class TLSServerContext: @unchecked Sendable {
    let context: OpaquePointer

    init(_ files: HTTPServerTLS) throws(HTTPServerError) {
        TLSProcess.prepare()
        guard let context = SSL_CTX_new(TLS_server_method()) else {
            throw HTTPServerError("cannot create a TLS context: \(TLSErrors.drain() ?? "out of memory")")
        }
        self.context = context
        guard tandem_ssl_ctx_require_tls12(context) == 1 else {
            throw HTTPServerError("cannot require TLS 1.2: \(TLSErrors.drain() ?? "unknown error")")
        }
        tandem_ssl_ctx_stream_modes(context)
        guard access(files.certificateFile, R_OK) == 0 else {
            throw HTTPServerError("cannot read the TLS certificate file \(files.certificateFile): \(Socket.errorText(errno))")
        }
        guard access(files.privateKeyFile, R_OK) == 0 else {
            throw HTTPServerError("cannot read the TLS key file \(files.privateKeyFile): \(Socket.errorText(errno))")
        }
        guard SSL_CTX_use_certificate_chain_file(context, files.certificateFile) == 1 else {
            throw HTTPServerError("\(files.certificateFile) is not a PEM certificate chain: \(TLSErrors.drain() ?? "unreadable")")
        }
        guard SSL_CTX_use_PrivateKey_file(context, files.privateKeyFile, SSL_FILETYPE_PEM) == 1 else {
            throw HTTPServerError("\(files.privateKeyFile) is not the unencrypted PEM private key of the certificate in \(files.certificateFile): \(TLSErrors.drain() ?? "unreadable")")
        }
        guard SSL_CTX_check_private_key(context) == 1 else {
            throw HTTPServerError("the key in \(files.privateKeyFile) does not belong to the certificate in \(files.certificateFile)")
        }
    }

    deinit { SSL_CTX_free(context) }
}

/// Process-wide settings TLS needs, applied once.
enum TLSProcess {
    private static let once: Void = {
        // OpenSSL writes to sockets with write(2), not send(MSG_NOSIGNAL): a
        // peer that went away would otherwise kill the process with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
    }()

    static func prepare() { _ = once }
}
