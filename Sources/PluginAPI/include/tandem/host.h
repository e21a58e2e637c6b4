#ifndef TANDEM_HOST_H
#define TANDEM_HOST_H

/*
 * The host table: what the node offers a plugin instance.
 *
 * The host builds one table per instance and passes it to create_instance.
 * Owner: the host. The table and everything it points to stay valid until
 * destroy_instance for that instance returns. Every function takes the table
 * itself first, so the host finds the instance it serves (`host_data`).
 *
 * All functions are [thread-safe]: a plugin may call them from any thread the
 * host called it on. They block the calling thread (which is always one of the
 * host's worker threads, never a Swift cooperative-pool thread).
 */

#include <stdint.h>
#include "buffer.h"
#include "status.h"

#define TANDEM_LOG_DEBUG 0
#define TANDEM_LOG_INFO  1
#define TANDEM_LOG_WARN  2
#define TANDEM_LOG_ERROR 3

/* An HTTP request the host performs on the plugin's behalf. Borrowed: the host
 * reads it only during the http call. */
typedef struct tandem_http_request {
    uint32_t struct_size;      /* sizeof(tandem_http_request_t) */
    uint32_t timeout_ms;       /* 0: the host's default for this connection */
    const char *method;        /* "GET", "POST", …; NUL-terminated */
    const char *url;           /* absolute URL, or a path ("/rest/api/2/…") relative
                                  to the instance's configured baseUrl; NUL-terminated */
    const char *headers_json;  /* {"Name": "value", …} as NUL-terminated UTF-8, or NULL */
    const uint8_t *body;       /* request body, or NULL */
    uint64_t body_size;        /* bytes in body */
} tandem_http_request_t;

/* What came back. The plugin zero-initialises it (struct_size set); the host
 * fills it; the plugin releases both buffers. */
typedef struct tandem_http_response {
    uint32_t struct_size;          /* sizeof(tandem_http_response_t) */
    int32_t http_status;           /* e.g. 200, 404, 429; 0 when nothing was received */
    tandem_buffer_t headers_json;  /* {"lower-case-name": "value", …}; repeated headers joined by ", " */
    tandem_buffer_t body;          /* the response body, decoded from chunked if needed */
} tandem_http_response_t;

typedef struct tandem_host {
    uint32_t struct_size;      /* sizeof(tandem_host_t) as the host knows it */
    uint32_t reserved;         /* zero */
    void *host_data;           /* host's private pointer; the plugin never reads it */

    /* Writes one log line attributed to this instance. `message` is borrowed,
     * NUL-terminated UTF-8. Plugins must never log secrets. [thread-safe] */
    void (*log)(const struct tandem_host *host, int32_t level, const char *message);

    /* Performs an HTTP request and blocks until the response or failure.
     * The host enforces the instance's allowed base URL, timeouts and rate limit.
     * Returns OK when a response arrived, whatever its HTTP status (the plugin
     * maps statuses to its own errors); TRANSIENT when the connection failed or
     * timed out; INVALID for a URL outside the allowed base. On a non-OK return
     * `error` (when not NULL) gets {"message": …}; the plugin releases it.
     * [thread-safe] */
    tandem_status_t (*http)(const struct tandem_host *host,
                            const tandem_http_request_t *request,
                            tandem_http_response_t *response,
                            tandem_buffer_t *error);

    /* Looks up the secret `name` (NUL-terminated) configured for the node.
     * On OK `value` holds its bytes; NOT_FOUND when there is no such secret;
     * TRANSIENT when the host cannot look it up now (try again later).
     * The plugin releases `value` and keeps no copy longer than it needs. [thread-safe] */
    tandem_status_t (*secret)(const struct tandem_host *host, const char *name, tandem_buffer_t *value);

    /* The host's clock: milliseconds since the Unix epoch, UTC. Plugins use it
     * instead of their own so that tests can control time. [thread-safe] */
    int64_t (*now_ms)(const struct tandem_host *host);
} tandem_host_t;

#endif /* TANDEM_HOST_H */
