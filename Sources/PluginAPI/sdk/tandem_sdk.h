#ifndef TANDEM_SDK_H
#define TANDEM_SDK_H

/*
 * Helpers for connectors written in C, compiled into each plugin (add
 * tandem_sdk.c to your sources; it exports nothing when built with
 * -fvisibility=hidden). JSON goes through Debian's cJSON (libcjson-dev):
 * link with -lcjson.
 *
 * Every function is [thread-safe]: no global state. Strings returned as
 * `char *` are malloc'd and owned by the caller (free them); buffers handed to
 * the host carry tandem_sdk_release, so the host frees them through us.
 */

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <tandem/tandem.h>

/* ---- status and results ------------------------------------------------ */

/* The uniform mapping of a tracker's HTTP status (the same table as the Swift
 * SDK and docs/connector-guide.md): 2xx/3xx OK; 401 AUTH; 404 NOT_FOUND;
 * 400, 403, 409, 422 INVALID (a 403 is a permission, a data policy or an XSRF
 * check, which new credentials would not fix; a connector that can tell a
 * refused login, e.g. Jira's X-Seraph-LoginReason, answers AUTH itself);
 * 429 RATE_LIMITED; 5xx, 0 (nothing received) and any other status TRANSIENT. */
tandem_status_t tandem_sdk_status_for_http(int32_t http_status);

/* Frees a buffer this SDK filled (its data was malloc'd). Set as `release`. */
void tandem_sdk_release(tandem_buffer_t *buffer);

/* Fills `buffer` with the bytes of `text` (copied); the host releases it.
 * Returns 0, or -1 when out of memory (buffer left empty). */
int tandem_sdk_give(tandem_buffer_t *buffer, const char *text, size_t length);

/* Success: prints `json` into result->json and frees `json` (ownership moves
 * in, also on failure). Returns TANDEM_STATUS_OK, or INTERNAL out of memory. */
tandem_status_t tandem_sdk_ok(tandem_result_t *result, cJSON *json);

/* Failure: result->json = {"message": message}; returns `status`. */
tandem_status_t tandem_sdk_fail(tandem_result_t *result, tandem_status_t status, const char *message);

/* Failure on the instance-creation path (`out_error` of create_instance). */
tandem_status_t tandem_sdk_fail_buffer(tandem_buffer_t *error, tandem_status_t status, const char *message);

/* Failure from a tracker's HTTP answer: the status by tandem_sdk_status_for_http,
 * the message "<operation>: tracker answered HTTP <n>: <first 300 bytes of
 * body>", and for 429 "retry_after_ms" from `retry_after_seconds` (the
 * Retry-After header; NULL or unreadable means 1 s). */
tandem_status_t tandem_sdk_fail_http(tandem_result_t *result, const char *operation, int32_t http_status,
                                     const uint8_t *body, uint64_t body_size, const char *retry_after_seconds);

/* Parses the call's input (borrowed bytes, not NUL-terminated) as a JSON
 * object. Returns NULL when it is not one; the caller frees with cJSON_Delete. */
cJSON *tandem_sdk_parse_object(const uint8_t *bytes, uint64_t size);

/* ---- time ---------------------------------------------------------------- */

/* Writes `ms` (milliseconds since the Unix epoch) as ISO-8601 UTC with
 * milliseconds, "2026-11-22T08:00:00.000Z", into `out` (at least 25 bytes).
 * Returns 0, or -1 when the date is outside years 0..9999. */
int tandem_sdk_iso8601(int64_t ms, char out[25]);

/* Reads an ISO-8601 time: "YYYY-MM-DDTHH:MM:SS" (or a space for T), optional
 * fraction (any digits, truncated to ms), then "Z", "+hh:mm", "+hhmm" or
 * nothing (UTC). Returns 0 and sets *out_ms, or -1 when it is not one. */
int tandem_sdk_parse_iso8601(const char *text, int64_t *out_ms);

/* ---- encodings ----------------------------------------------------------- */

/* Percent-encodes everything but A-Z a-z 0-9 - . _ ~ (RFC 3986 unreserved),
 * for a path segment or a query value. Returns NULL when out of memory. */
char *tandem_sdk_url_encode(const char *text);

/* Standard base64 with padding (RFC 4648 section 4). NULL when out of memory. */
char *tandem_sdk_base64_encode(const uint8_t *bytes, size_t size);

/* Decodes standard base64 (padding optional, no whitespace). Returns a
 * malloc'd buffer and sets *out_size, or NULL for invalid input. */
uint8_t *tandem_sdk_base64_decode(const char *text, size_t *out_size);

#endif /* TANDEM_SDK_H */
