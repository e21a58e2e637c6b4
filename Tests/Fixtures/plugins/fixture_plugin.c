/*
 * One source, many fixture plugins: each -D below makes a library that the
 * loader must refuse (or accept) for one reason. Built by the tests with cc.
 *
 *   FIXTURE_ID="x"            the plugin id (default "fixture")
 *   FIXTURE_NO_ENTRY          export no tandem_plugin_entry
 *   FIXTURE_ABI_MAJOR=n       claim ABI major n
 *   FIXTURE_DESCRIPTOR_SIZE=n claim a descriptor of n bytes
 *   FIXTURE_LARGER            a descriptor with fields from a future minor
 *   FIXTURE_ENTRY_STATUS=n    the entry returns status n
 *   FIXTURE_ENTRY_NULL        the entry returns OK and no descriptor
 *   FIXTURE_RUNTIME="…"       the runtime tag
 *   FIXTURE_NO_CALL           the plugin table lacks `call`
 *   FIXTURE_ABORT_IN="op"     abort() inside that operation
 *
 * `echo` answers its input JSON, and its input blob as its blob.
 */
#define _POSIX_C_SOURCE 200809L
#include <tandem/tandem.h>

#include <stdlib.h>
#include <string.h>

#ifndef FIXTURE_ID
#define FIXTURE_ID "fixture"
#endif
#ifndef FIXTURE_ABI_MAJOR
#define FIXTURE_ABI_MAJOR TANDEM_ABI_MAJOR
#endif
#ifndef FIXTURE_RUNTIME
#define FIXTURE_RUNTIME "c"
#endif
#ifndef FIXTURE_ENTRY_STATUS
#define FIXTURE_ENTRY_STATUS TANDEM_STATUS_OK
#endif

static void release_malloced(tandem_buffer_t *buffer) {
    free((void *)buffer->data);
    buffer->data = NULL;
    buffer->size = 0;
    buffer->release = NULL;
}

static void fill(tandem_buffer_t *buffer, const char *text) {
    size_t length = strlen(text);
    char *copy = malloc(length);
    memcpy(copy, text, length);
    buffer->data = (const uint8_t *)copy;
    buffer->size = length;
    buffer->release = release_malloced;
}

static tandem_status_t create_instance(const tandem_host_t *host, const uint8_t *config, uint64_t size,
                                       void **out_instance, tandem_buffer_t *out_error) {
    (void)host; (void)config; (void)size; (void)out_error;
    static int instance_marker;
    *out_instance = &instance_marker;
    return TANDEM_STATUS_OK;
}

static void destroy_instance(void *instance) { (void)instance; }

static tandem_status_t call(void *instance, const tandem_call_t *call_info, tandem_result_t *result) {
    (void)instance;
#ifdef FIXTURE_ABORT_IN
    if (strcmp(call_info->operation, FIXTURE_ABORT_IN) == 0) abort();
#endif
    if (strcmp(call_info->operation, "describe") == 0) {
        fill(&result->json, "{\"id\":\"" FIXTURE_ID "\",\"operations\":[\"describe\",\"echo\"]}");
    } else if (strcmp(call_info->operation, "echo") == 0) {
        char *copy = malloc(call_info->input_size ? call_info->input_size : 1);
        memcpy(copy, call_info->input, call_info->input_size);
        result->json.data = (const uint8_t *)copy;
        result->json.size = call_info->input_size;
        result->json.release = release_malloced;
        if (call_info->blob_size > 0) {  /* blobs come back too */
            char *bytes = malloc(call_info->blob_size);
            memcpy(bytes, call_info->blob, call_info->blob_size);
            result->blob.data = (const uint8_t *)bytes;
            result->blob.size = call_info->blob_size;
            result->blob.release = release_malloced;
        }
    } else {
        fill(&result->json, "{\"message\":\"unknown operation\"}");
        result->status = TANDEM_STATUS_UNSUPPORTED;
        return TANDEM_STATUS_UNSUPPORTED;
    }
    result->status = TANDEM_STATUS_OK;
    return TANDEM_STATUS_OK;
}

static const tandem_plugin_api_t api = {
    sizeof(tandem_plugin_api_t), 0, create_instance, destroy_instance,
#ifdef FIXTURE_NO_CALL
    NULL,
#else
    call,
#endif
};

/* A descriptor as a future minor might have it: v1's fields, then more. */
typedef struct {
    tandem_plugin_descriptor_t v1;
    const char *future_field;
    uint64_t another_future_field;
} larger_descriptor;

static const larger_descriptor descriptor = {
    {
#if defined(FIXTURE_DESCRIPTOR_SIZE)
        FIXTURE_DESCRIPTOR_SIZE,
#elif defined(FIXTURE_LARGER)
        sizeof(larger_descriptor),
#else
        sizeof(tandem_plugin_descriptor_t),
#endif
        FIXTURE_ABI_MAJOR,
#ifdef FIXTURE_LARGER
        TANDEM_ABI_MINOR + 1,
#else
        TANDEM_ABI_MINOR,
#endif
        0, 0, FIXTURE_ID, "Fixture plugin", "0.0.1", FIXTURE_RUNTIME,
        "{\"operations\":[\"describe\",\"echo\"]}", &api,
    },
    "from the future", 42,
};

#ifndef FIXTURE_NO_ENTRY
TANDEM_EXPORT tandem_status_t tandem_plugin_entry(const tandem_host_info_t *host,
                                                  const tandem_plugin_descriptor_t **out_descriptor) {
    (void)host;
#ifdef FIXTURE_ENTRY_NULL
    *out_descriptor = NULL;
    return TANDEM_STATUS_OK;
#else
    *out_descriptor = &descriptor.v1;
    return FIXTURE_ENTRY_STATUS;
#endif
}
#else
TANDEM_EXPORT int not_the_entry(void) { return 1; }
#endif
