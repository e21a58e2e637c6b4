import TandemHTTP

/// The operator console at `/ui/`: three static files compiled into the
/// binary (ConsolePage, ConsoleStyle, ConsoleScript), served on the node's
/// own listener. The files hold no data and need no token; everything they
/// show comes from the admin API, which answers on loopback only and only
/// with the admin token (see AdminAPI).
///
/// The content security policy allows only these files: no inline script,
/// no other origin, no framing.
enum Console {
    static func register(on router: Router) {
        router.add("GET", "/ui") { _ in
            var response = HTTPResponse(status: 308)
            response.headers["Location"] = "/ui/"
            return response
        }
        router.add("GET", "/ui/") { _ in file(ConsolePage.html, type: "text/html; charset=utf-8") }
        router.add("GET", "/ui/console.css") { _ in file(ConsoleStyle.css, type: "text/css; charset=utf-8") }
        router.add("GET", "/ui/console.js") { _ in file(ConsoleScript.js, type: "text/javascript; charset=utf-8") }
    }

    private static func file(_ text: String, type: String) -> HTTPResponse {
        var response = HTTPResponse(status: 200, body: Array(text.utf8))
        response.headers["Content-Type"] = type
        response.headers["Content-Security-Policy"] = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        return response
    }
}
