#ifndef TANDEM_PLUGIN_H
#define TANDEM_PLUGIN_H

/*
 * The plugin table: instances and operations.
 *
 * A plugin creates one instance per configured connection side, from that
 * side's config JSON, and answers operations by name with JSON in and JSON out
 * (plus an optional binary blob each way, for attachment bytes).
 *
 * Threads: the host calls these from its own worker threads, never from a
 * Swift cooperative-pool thread. Unless the descriptor has
 * TANDEM_PLUGIN_THREAD_SAFE, the host serialises calls per instance; with it,
 * `call` may run concurrently on one instance. create and destroy are never
 * concurrent with a call on the same instance.
 *
 * Nothing may unwind across these functions: a Swift error, a C++ exception or
 * a longjmp must be caught inside and turned into a status.
 */

#include <stdint.h>
#include "buffer.h"
#include "host.h"
#include "status.h"

/* One operation call. Borrowed: valid only during `call`; copy what you keep. */
typedef struct tandem_call {
    uint32_t struct_size;      /* sizeof(tandem_call_t) */
    uint32_t reserved;         /* zero */
    const char *operation;     /* "get", "comment.add", …; NUL-terminated */
    const uint8_t *input;      /* UTF-8 JSON, not NUL-terminated */
    uint64_t input_size;       /* bytes in input */
    const uint8_t *blob;       /* binary input (attachment.put), or NULL */
    uint64_t blob_size;        /* bytes in blob */
} tandem_call_t;

/* The outcome of a call. The host zero-initialises it (struct_size set), the
 * plugin fills it, the host releases both buffers. */
typedef struct tandem_result {
    uint32_t struct_size;      /* sizeof(tandem_result_t) as the host knows it */
    tandem_status_t status;    /* equals call's return value */
    tandem_buffer_t json;      /* OK: result JSON. Otherwise: {"message": …} error JSON */
    tandem_buffer_t blob;      /* binary output (attachment.get), else empty */
} tandem_result_t;

typedef struct tandem_plugin_api {
    uint32_t struct_size;      /* sizeof(tandem_plugin_api_t) as the plugin knows it */
    uint32_t reserved;         /* zero */

    /* Creates an instance from `config_json` (UTF-8, borrowed, not
     * NUL-terminated). `host` stays valid until destroy_instance returns.
     * On OK `*out_instance` is the plugin's handle (never NULL). On failure
     * `out_error` gets {"message": "…"} naming the offending config key, and
     * nothing is allocated. [host worker thread] */
    tandem_status_t (*create_instance)(const tandem_host_t *host,
                                       const uint8_t *config_json, uint64_t config_size,
                                       void **out_instance, tandem_buffer_t *out_error);

    /* Frees an instance. No call is in flight on it and none follows.
     * Buffers already handed to the host stay valid until released.
     * [host worker thread] */
    void (*destroy_instance)(void *instance);

    /* Runs one operation. The host only calls operations the descriptor lists.
     * Returns the status and mirrors it in result->status.
     * [host worker thread; concurrent per instance only if thread-safe] */
    tandem_status_t (*call)(void *instance, const tandem_call_t *call, tandem_result_t *result);
} tandem_plugin_api_t;

#endif /* TANDEM_PLUGIN_H */
