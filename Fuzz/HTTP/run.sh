#!/bin/sh
# Fuzzes TandemHTTP's parsers with libFuzzer + AddressSanitizer.
# Usage: Fuzz/HTTP/run.sh [SECONDS]   (default 120; run from the package root)
set -eu
seconds=${1:-120}
here=$(cd "$(dirname "$0")" && pwd)
src="$here/../../Sources/TandemHTTP"
out=${TMPDIR:-/tmp}/tandem-fuzz-http
mkdir -p "$out/corpus"
printf 'GET /a?b=c%%20d HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n' > "$out/corpus/get"
printf 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n' > "$out/corpus/chunked"
printf -- '--b\r\nContent-Disposition: form-data; name="f"; filename="x"\r\n\r\ndata\r\n--b--\r\n' > "$out/corpus/multipart"
swiftc -sanitize=fuzzer,address -parse-as-library -O \
  "$src/RequestHeadParser.swift" "$src/RequestHead.swift" "$src/HTTPHeaders.swift" "$src/URLCoding.swift" \
  "$src/Multipart.swift" "$src/MultipartPart.swift" "$src/MultipartError.swift" "$src/HeaderParameters.swift" \
  "$src/ChunkedDecoder.swift" "$src/SocketReader.swift" "$src/Socket.swift" "$src/Deadline.swift" "$src/PosixThread.swift" \
  "$here/Entry.swift" -o "$out/fuzz-http"
"$out/fuzz-http" -max_total_time="$seconds" -max_len=4096 "$out/corpus"
