import CSSL
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A client `SSL_CTX` for one trust set: the system's trust store
/// (`SSL_CERT_FILE` / `SSL_CERT_DIR` apply) plus an optional private CA file.
/// Certificates are always verified and the host name always checked; there
/// is deliberately no switch to turn that off.
///
/// One context per trust set for the whole process (`shared(caFile:)`), so
/// every client reuses it, and with it the TLS sessions remembered per
/// authority: a new connection to a host resumes the last session.
final class TLSClientContext: @unchecked Sendable {
    let context: OpaquePointer
    /// The last session per "host:port", one reference owned here.
    private let sessions = Mutex<[String: Session]>([:])

    /// An `SSL_SESSION` reference; OpenSSL sessions may move between threads.
    private struct Session: @unchecked Sendable { let pointer: OpaquePointer }

    private static let shared = Mutex<[String: TLSClientContext]>([:])

    /// The process's context for `caFile` (nil: system trust store only).
    static func shared(caFile: String?) throws(HTTPClientError) -> TLSClientContext {
        let key = caFile ?? ""
        if let existing = shared.withLock({ $0[key] }) { return existing }
        let created = try TLSClientContext(caFile: caFile)
        return shared.withLock { table in
            if let existing = table[key] { return existing }
            table[key] = created
            return created
        }
    }

    private init(caFile: String?) throws(HTTPClientError) {
        TLSProcess.prepare()
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            throw .tlsFailure("cannot create a TLS context: \(TLSErrors.drain() ?? "out of memory")")
        }
        self.context = context
        guard tandem_ssl_ctx_require_tls12(context) == 1 else {
            throw .tlsFailure("cannot require TLS 1.2: \(TLSErrors.drain() ?? "unknown error")")
        }
        tandem_ssl_ctx_stream_modes(context)
        tandem_ssl_ctx_client_session_cache(context)
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        // Any certificate in the trust set anchors a chain, not only a root
        // (as curl does): a node's own certificate can be trusted directly.
        X509_STORE_set_flags(SSL_CTX_get_cert_store(context), UInt(X509_V_FLAG_PARTIAL_CHAIN))
        guard SSL_CTX_set_default_verify_paths(context) == 1 else {
            throw .tlsFailure("cannot load the system trust store: \(TLSErrors.drain() ?? "unknown error")")
        }
        if let caFile {
            guard access(caFile, R_OK) == 0 else {
                throw .tlsFailure("cannot read the CA file \(caFile): \(Socket.errorText(errno)); check caFile in the configuration")
            }
            guard SSL_CTX_load_verify_locations(context, caFile, nil) == 1 else {
                throw .tlsFailure("\(caFile) holds no PEM CA certificate: \(TLSErrors.drain() ?? "unreadable")")
            }
        }
    }

    deinit {
        sessions.withLock { table in table.values.forEach { SSL_SESSION_free($0.pointer) } }
        SSL_CTX_free(context)
    }

    /// A TLS stream to `host` over `fd`, configured to verify the peer as
    /// `host` (a DNS name, or an IP address checked against IP SANs) and to
    /// send SNI for DNS names; resumes the last session with `authority`.
    func stream(fd: Int32, host: String, authority: String) throws(HTTPClientError) -> TLSStream {
        guard let stream = TLSStream(context: context, fd: fd, isServer: false) else {
            throw .tlsFailure("cannot create a TLS connection: \(TLSErrors.drain() ?? "out of memory")")
        }
        var address = in_addr()
        if inet_pton(AF_INET, host, &address) == 1 {
            guard X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(stream.ssl), host) == 1 else {
                throw .tlsFailure("cannot check certificates for address \(host)")
            }
        } else {
            guard SSL_set1_host(stream.ssl, host) == 1, tandem_ssl_set_sni(stream.ssl, host) == 1 else {
                throw .tlsFailure("cannot check certificates for host name '\(host)'")
            }
        }
        if let session = sessions.withLock({ table in table[authority].map { SSL_SESSION_up_ref($0.pointer); return $0 } }) {
            SSL_set_session(stream.ssl, session.pointer)
            SSL_SESSION_free(session.pointer)
        }
        return stream
    }

    /// Keeps the session of `stream` for the next connection to `authority`
    /// (called after a response, when TLS 1.3 tickets have arrived).
    func remember(_ stream: TLSStream, authority: String) {
        guard let session = SSL_get1_session(stream.ssl) else { return }
        guard SSL_SESSION_is_resumable(session) == 1 else { SSL_SESSION_free(session); return }
        let previous = sessions.withLock { table in
            let old = table[authority]
            table[authority] = Session(pointer: session)
            return old
        }
        if let previous { SSL_SESSION_free(previous.pointer) }
    }
}
