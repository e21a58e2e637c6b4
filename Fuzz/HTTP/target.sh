# The request head, chunked body and multipart parsers.
modules="TandemJSON TandemThreads TandemHTTP"
