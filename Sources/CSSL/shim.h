// OpenSSL's libssl for TandemHTTP. The functions below wrap macros that
// Swift cannot import; each only forwards to the documented macro.
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

// Refuses protocol versions below TLS 1.2 on `context`. Returns 1 on success.
// Thread: before `context` is shared.
static inline int tandem_ssl_ctx_require_tls12(SSL_CTX *context) {
    return (int)SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
}

// Sets the SNI host name sent in the ClientHello of `ssl` (copied).
// Returns 1 on success. Thread: the thread that owns `ssl`.
static inline int tandem_ssl_set_sni(SSL *ssl, const char *host) {
    return (int)SSL_set_tlsext_host_name(ssl, host);
}

// Turns on the client-side session cache of `context`, so sessions kept by
// the caller may be resumed. Thread: before `context` is shared.
static inline void tandem_ssl_ctx_client_session_cache(SSL_CTX *context) {
    SSL_CTX_set_session_cache_mode(context, SSL_SESS_CACHE_CLIENT);
}

// Lets SSL_write report partial writes and accept a moved buffer on retry,
// and treats an EOF without close_notify as a plain end of stream (HTTP
// framing tells complete messages from truncated ones).
// Thread: before `context` is shared.
static inline void tandem_ssl_ctx_stream_modes(SSL_CTX *context) {
    SSL_CTX_set_mode(context, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_CTX_set_options(context, SSL_OP_IGNORE_UNEXPECTED_EOF);
}
