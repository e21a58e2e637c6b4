/*
 * Broken connectors for `tandem plugins check`: each build wraps a working
 * connector (INNER_PLUGIN, the path of its .so) and adds exactly one bug
 * a real connector has had, chosen by one define:
 *
 *   BREAK_TIME_MS          get answers `updated` without milliseconds
 *   BREAK_REF_UPDATED      search refs lack `updated`
 *   BREAK_OVERLAP          search from a cursor ignores overlapSeconds
 *   BREAK_NULL_CURSOR      search always answers a null cursor
 *   BREAK_LOOKUP           lookup always answers not found
 *   BREAK_CORRELATION      create drops the correlationId
 *   BREAK_422_INTERNAL     a tracker's 422 is reported as internal
 *   BREAK_SHARED_BUFFER    get answers through one static buffer (declared thread-safe)
 *   BREAK_LEAK             every call leaks 8 KiB
 *
 * Everything else is passed through, so the checker must find the bug itself.
 */
#define _POSIX_C_SOURCE 200809L
#include <tandem/tandem.h>
#include <tandem_sdk.h>

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef INNER_PLUGIN
#error "define INNER_PLUGIN as the path of the connector to wrap"
#endif

static const tandem_plugin_descriptor_t *inner;
static tandem_plugin_descriptor_t descriptor;
static tandem_plugin_api_t api;

/* The host table the inner plugin sees: ours first, so a pointer to it is a
 * pointer to the wrapper. */
typedef struct {
    tandem_host_t table;
    const tandem_host_t *real;
} wrapped_host;

typedef struct {
    wrapped_host host;
    void *inner_instance;
} instance;

static _Thread_local int32_t last_http_status;

static tandem_status_t http(const tandem_host_t *host, const tandem_http_request_t *request,
                            tandem_http_response_t *response, tandem_buffer_t *error) {
    const wrapped_host *wrapper = (const wrapped_host *)host;
    tandem_status_t status = wrapper->real->http(wrapper->real, request, response, error);
    last_http_status = status == TANDEM_STATUS_OK ? response->http_status : 0;
    return status;
}

static void log_line(const tandem_host_t *host, int32_t level, const char *message) {
    const wrapped_host *wrapper = (const wrapped_host *)host;
    wrapper->real->log(wrapper->real, level, message);
}

static tandem_status_t secret(const tandem_host_t *host, const char *name, tandem_buffer_t *value) {
    const wrapped_host *wrapper = (const wrapped_host *)host;
    return wrapper->real->secret(wrapper->real, name, value);
}

static int64_t now_ms(const tandem_host_t *host) {
    const wrapped_host *wrapper = (const wrapped_host *)host;
    return wrapper->real->now_ms(wrapper->real);
}

static tandem_status_t create_instance(const tandem_host_t *host, const uint8_t *config, uint64_t size,
                                       void **out_instance, tandem_buffer_t *out_error) {
    instance *self = calloc(1, sizeof *self);
    if (!self) return tandem_sdk_fail_buffer(out_error, TANDEM_STATUS_INTERNAL, "out of memory");
    self->host.table = *host;
    self->host.table.log = log_line;
    self->host.table.http = http;
    self->host.table.secret = secret;
    self->host.table.now_ms = now_ms;
    self->host.real = host;
    tandem_status_t status = inner->api->create_instance(&self->host.table, config, size, &self->inner_instance, out_error);
    if (status != TANDEM_STATUS_OK) { free(self); return status; }
    *out_instance = self;
    return TANDEM_STATUS_OK;
}

static void destroy_instance(void *opaque) {
    instance *self = opaque;
    inner->api->destroy_instance(self->inner_instance);
    free(self);
}

#ifdef BREAK_OVERLAP
/* cursor text -> the newest `updated` the search that returned it saw */
static pthread_mutex_t seen_lock = PTHREAD_MUTEX_INITIALIZER;
static char seen_cursor[64][64], seen_newest[64][32];
static int seen_count;
#endif

/* Rewrites a successful output; returns the JSON to answer (owned). */
static cJSON *rewrite(const char *op, const cJSON *input, cJSON *output) {
    (void)input;
#ifdef BREAK_TIME_MS
    if (strcmp(op, "get") == 0) {
        cJSON *updated = cJSON_GetObjectItemCaseSensitive(output, "updated");
        const char *text = cJSON_GetStringValue(updated);
        if (text && strlen(text) == 24) {
            char whole[32];
            memcpy(whole, text, 19);
            strcpy(whole + 19, "Z");
            cJSON_SetValuestring(updated, whole);
        }
    }
#endif
#ifdef BREAK_REF_UPDATED
    if (strcmp(op, "search") == 0) {
        cJSON *ref;
        cJSON_ArrayForEach(ref, cJSON_GetObjectItemCaseSensitive(output, "refs")) cJSON_DeleteItemFromObject(ref, "updated");
    }
#endif
#ifdef BREAK_NULL_CURSOR
    if (strcmp(op, "search") == 0) cJSON_ReplaceItemInObject(output, "cursor", cJSON_CreateNull());
#endif
#ifdef BREAK_OVERLAP
    if (strcmp(op, "search") == 0) {
        const char *given = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(input, "cursor"));
        char bound[32] = "";
        pthread_mutex_lock(&seen_lock);
        for (int i = 0; given && i < seen_count; i++)
            if (strcmp(seen_cursor[i], given) == 0) strcpy(bound, seen_newest[i]);
        pthread_mutex_unlock(&seen_lock);
        cJSON *refs = cJSON_GetObjectItemCaseSensitive(output, "refs");
        char newest[32] = "";
        for (int i = cJSON_GetArraySize(refs) - 1; i >= 0; i--) {
            const char *updated = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(refs, i), "updated"));
            if (!updated) continue;
            if (strcmp(updated, newest) > 0 && strlen(updated) < sizeof newest) strcpy(newest, updated);
            if (bound[0] && strcmp(updated, bound) < 0) cJSON_DeleteItemFromArray(refs, i);
        }
        const char *cursor = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(output, "cursor"));
        pthread_mutex_lock(&seen_lock);
        if (cursor && strlen(cursor) < 64 && seen_count < 64) {
            strcpy(seen_cursor[seen_count], cursor);
            strcpy(seen_newest[seen_count], newest[0] ? newest : bound);
            seen_count++;
        }
        pthread_mutex_unlock(&seen_lock);
    }
#endif
    (void)op;
    return output;
}

static tandem_status_t call(void *opaque, const tandem_call_t *call_info, tandem_result_t *result) {
    instance *self = opaque;
    const char *op = call_info->operation;
#ifdef BREAK_LEAK
    char *leak = malloc(8192);
    if (leak) memset(leak, 0x5a, 8192);
#endif
#ifdef BREAK_LOOKUP
    if (strcmp(op, "lookup") == 0) return tandem_sdk_fail(result, TANDEM_STATUS_NOT_FOUND, "lookup: nothing has that correlationId");
#endif
    cJSON *input = tandem_sdk_parse_object(call_info->input, call_info->input_size);
    tandem_call_t forwarded = *call_info;
    char *rewritten_input = NULL;
#ifdef BREAK_CORRELATION
    if (input && strcmp(op, "create") == 0) {
        cJSON_DeleteItemFromObject(input, "correlationId");
        rewritten_input = cJSON_PrintUnformatted(input);
        forwarded.input = (const uint8_t *)rewritten_input;
        forwarded.input_size = strlen(rewritten_input);
    }
#endif
    tandem_result_t answer = {0};
    answer.struct_size = sizeof answer;
    answer.json.struct_size = sizeof answer.json;
    answer.blob.struct_size = sizeof answer.blob;
    last_http_status = 0;
    tandem_status_t status = inner->api->call(self->inner_instance, &forwarded, &answer);
    free(rewritten_input);
    result->blob = answer.blob; /* passed through with the inner plugin's release */
    if (status != TANDEM_STATUS_OK) {
#ifdef BREAK_422_INTERNAL
        if (last_http_status == 422) {
            if (answer.json.release) answer.json.release(&answer.json);
            cJSON_Delete(input);
            return tandem_sdk_fail(result, TANDEM_STATUS_INTERNAL, "unexpected tracker answer");
        }
#endif
        result->json = answer.json;
        result->status = status;
        cJSON_Delete(input);
        return status;
    }
    cJSON *output = cJSON_ParseWithLength((const char *)answer.json.data, (size_t)answer.json.size);
    if (answer.json.release) answer.json.release(&answer.json);
    output = output ? rewrite(op, input, output) : NULL;
    cJSON_Delete(input);
    char *text = output ? cJSON_PrintUnformatted(output) : NULL;
    cJSON_Delete(output);
    if (!text) return tandem_sdk_fail(result, TANDEM_STATUS_INTERNAL, "cannot rewrite the output");
#ifdef BREAK_SHARED_BUFFER
    if (strcmp(op, "get") == 0) {
        static char shared[1 << 16]; /* the bug: one buffer for every thread */
        size_t length = strlen(text);
        if (length >= sizeof shared) length = sizeof shared - 1;
        memcpy(shared, text, length);
        shared[length] = '\0';
        struct timespec pause = {0, 2000000};
        nanosleep(&pause, NULL);
        free(text);
        text = strdup(shared);
    }
#endif
    result->status = TANDEM_STATUS_OK;
    int given = tandem_sdk_give(&result->json, text, strlen(text));
    free(text);
    return given == 0 ? TANDEM_STATUS_OK : tandem_sdk_fail(result, TANDEM_STATUS_INTERNAL, "out of memory");
}

TANDEM_EXPORT tandem_status_t tandem_plugin_entry(const tandem_host_info_t *host,
                                                  const tandem_plugin_descriptor_t **out_descriptor) {
    if (!inner) {
        void *library = dlopen(INNER_PLUGIN, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
        tandem_plugin_entry_fn entry = library ? (tandem_plugin_entry_fn)(uintptr_t)dlsym(library, TANDEM_PLUGIN_ENTRY_SYMBOL) : NULL;
        if (!entry || entry(host, &inner) != TANDEM_STATUS_OK || !inner) return TANDEM_STATUS_INTERNAL;
        api = *inner->api;
        api.create_instance = create_instance;
        api.destroy_instance = destroy_instance;
        api.call = call;
        descriptor = *inner;
        descriptor.api = &api;
    }
    *out_descriptor = &descriptor;
    return TANDEM_STATUS_OK;
}
