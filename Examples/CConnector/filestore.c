/*
 * c-filestore: a Tandem connector written in plain C against the ABI header
 * only. It keeps each entity as one JSON file, <dir>/<n>.json, in a folder
 * given by the instance config {"dir": "/path"}.
 *
 * Operations: describe, create, get, update, search (by file modification
 * time). It is the proof that a connector needs nothing but tandem/tandem.h.
 *
 * Threads: not declared thread-safe, so the node serialises calls per
 * instance; creates are still safe across processes (O_EXCL on the new file).
 * Memory: every buffer handed to the node is malloc'd and carries
 * release_malloced, which frees it; the node never frees our memory itself.
 */
#define _POSIX_C_SOURCE 200809L
#include <tandem/tandem.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "json_scan.h"

#define FILESTORE_ID "c-filestore"
#define FILESTORE_KEY_PREFIX "FS-"

typedef struct {
    char dir[4096];
    const tandem_host_t *host;
} filestore;

/* ---- growable text ---------------------------------------------------- */

typedef struct { char *data; size_t length, capacity; int failed; } text;

static void text_append(text *t, const char *bytes, size_t length) {
    if (t->failed) return;
    if (t->length + length + 1 > t->capacity) {
        size_t capacity = t->capacity ? t->capacity * 2 : 256;
        while (capacity < t->length + length + 1) capacity *= 2;
        char *grown = realloc(t->data, capacity);
        if (!grown) { t->failed = 1; return; }
        t->data = grown;
        t->capacity = capacity;
    }
    memcpy(t->data + t->length, bytes, length);
    t->length += length;
    t->data[t->length] = '\0';
}

static void text_puts(text *t, const char *s) { text_append(t, s, strlen(s)); }

static void text_json_string(text *t, const char *s) {
    text_puts(t, "\"");
    for (; *s; s++) {
        char escaped[8];
        if (*s == '"' || *s == '\\') { escaped[0] = '\\'; escaped[1] = *s; text_append(t, escaped, 2); }
        else if ((unsigned char)*s < 0x20) { snprintf(escaped, sizeof escaped, "\\u%04x", (unsigned char)*s); text_puts(t, escaped); }
        else text_append(t, s, 1);
    }
    text_puts(t, "\"");
}

/* ---- buffers and results ----------------------------------------------- */

static void release_malloced(tandem_buffer_t *buffer) {
    if (!buffer) return;
    free((void *)buffer->data);
    buffer->data = NULL;
    buffer->size = 0;
    buffer->release = NULL;
}

/* Hands `t`'s memory to the node through `buffer` (ownership moves). */
static void give_text(tandem_buffer_t *buffer, text *t) {
    if (!buffer) { free(t->data); return; }
    buffer->data = (const uint8_t *)t->data;
    buffer->size = t->length;
    buffer->release = t->data ? release_malloced : NULL;
    buffer->owner_data = NULL;
}

static tandem_status_t fail(tandem_buffer_t *buffer, tandem_status_t status, const char *message) {
    text t = {0};
    text_puts(&t, "{\"message\":");
    text_json_string(&t, message);
    text_puts(&t, "}");
    give_text(buffer, &t);
    return status;
}

static tandem_status_t finish(tandem_result_t *result, tandem_status_t status, text *t) {
    result->status = status;
    give_text(&result->json, t);
    return status;
}

static tandem_status_t fail_result(tandem_result_t *result, tandem_status_t status, const char *message) {
    result->status = status;
    return fail(&result->json, status, message);
}

/* ---- files ------------------------------------------------------------- */

static int read_file(const char *path, text *out) {
    FILE *file = fopen(path, "rb");
    if (!file) return -1;
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, file)) > 0) text_append(out, chunk, n);
    int error = ferror(file);
    fclose(file);
    return error || out->failed ? -1 : 0;
}

/* Writes atomically: a temporary file renamed over the target. */
static int write_file(const char *path, const text *content) {
    char temporary[4200];
    snprintf(temporary, sizeof temporary, "%s.tmp%ld", path, (long)getpid());
    FILE *file = fopen(temporary, "wb");
    if (!file) return -1;
    size_t written = fwrite(content->data, 1, content->length, file);
    int error = fflush(file) != 0 || fsync(fileno(file)) != 0;
    fclose(file);
    if (written != content->length || error || rename(temporary, path) != 0) { unlink(temporary); return -1; }
    return 0;
}

static int valid_id(const char *id) {
    if (!*id || strlen(id) > 18) return 0;
    for (const char *p = id; *p; p++) if (*p < '0' || *p > '9') return 0;
    return 1;
}

static void entity_path(const filestore *store, const char *id, char *out, size_t capacity) {
    snprintf(out, capacity, "%s/%s.json", store->dir, id);
}

static void iso_now(const filestore *store, char *out, size_t capacity) {
    int64_t ms = store->host && store->host->now_ms ? store->host->now_ms(store->host) : 0;
    if (ms <= 0) {
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
    }
    time_t seconds = (time_t)(ms / 1000);
    struct tm utc;
    gmtime_r(&seconds, &utc);
    char date[32];
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &utc);
    snprintf(out, capacity, "%s.%03dZ", date, (int)(ms % 1000));
}

/* ---- entity text ------------------------------------------------------- */

struct merge_context { text *out; json_slice skip_if_in; int first; };

static void copy_member(const char *key, size_t key_length, json_slice value, void *context) {
    struct merge_context *merge = context;
    if (merge->skip_if_in.start) {
        char name[256];
        if (key_length >= sizeof name) return;
        memcpy(name, key, key_length);
        name[key_length] = '\0';
        if (json_find_member(merge->skip_if_in, name, NULL) == 1) return;
    }
    if (!merge->first) text_puts(merge->out, ",");
    merge->first = 0;
    text_puts(merge->out, "\"");
    text_append(merge->out, key, key_length);
    text_puts(merge->out, "\":");
    text_append(merge->out, value.start, value.length);
}

/* The entity JSON: old fields (if any) overlaid with new fields. */
static void entity_text(const filestore *store, const char *id, json_slice old_fields, json_slice new_fields, text *out) {
    char updated[40], path[4200];
    iso_now(store, updated, sizeof updated);
    entity_path(store, id, path, sizeof path);
    text_puts(out, "{\"id\":");
    text_json_string(out, id);
    text_puts(out, ",\"key\":\"" FILESTORE_KEY_PREFIX);
    text_puts(out, id);
    text_puts(out, "\",\"type\":\"record\",\"url\":");
    char url[4300];
    snprintf(url, sizeof url, "file://%s", path);
    text_json_string(out, url);
    text_puts(out, ",\"updated\":");
    text_json_string(out, updated);
    text_puts(out, ",\"fields\":{");
    struct merge_context merge = {out, new_fields, 1};
    if (old_fields.start) json_each_member(old_fields, copy_member, &merge);
    merge.skip_if_in.start = NULL;
    json_each_member(new_fields, copy_member, &merge);
    text_puts(out, "},\"comments\":[],\"attachments\":[]}");
}

/* ---- operations -------------------------------------------------------- */

static int input_id(json_slice input, char *id, size_t capacity) {
    json_slice value;
    char key[64];
    if (json_find_member(input, "id", &value) == 1 && json_copy_simple_string(value, id, capacity) == 0) return valid_id(id);
    if (json_find_member(input, "key", &value) == 1 && json_copy_simple_string(value, key, sizeof key) == 0 &&
        strncmp(key, FILESTORE_KEY_PREFIX, strlen(FILESTORE_KEY_PREFIX)) == 0) {
        const char *digits = key + strlen(FILESTORE_KEY_PREFIX);
        if (strlen(digits) >= capacity) return 0;
        memcpy(id, digits, strlen(digits) + 1);
        return valid_id(id);
    }
    return 0;
}

static tandem_status_t op_describe(tandem_result_t *result);

static tandem_status_t op_get(filestore *store, json_slice input, tandem_result_t *result) {
    char id[32], path[4200];
    if (!input_id(input, id, sizeof id)) return fail_result(result, TANDEM_STATUS_INVALID, "get needs \"id\" (digits) or \"key\" (FS-n)");
    entity_path(store, id, path, sizeof path);
    text content = {0};
    if (read_file(path, &content) != 0) {
        free(content.data);
        return fail_result(result, errno == ENOENT ? TANDEM_STATUS_NOT_FOUND : TANDEM_STATUS_TRANSIENT,
                           errno == ENOENT ? "no such entity" : "cannot read the entity file");
    }
    return finish(result, TANDEM_STATUS_OK, &content);
}

static tandem_status_t op_create(filestore *store, json_slice input, tandem_result_t *result) {
    json_slice fields;
    if (json_find_member(input, "fields", &fields) != 1 || json_trim(fields).start[0] != '{')
        return fail_result(result, TANDEM_STATUS_INVALID, "create needs a \"fields\" object");
    for (long n = 1; n < 1000000000L; n++) {
        char id[32], path[4200];
        snprintf(id, sizeof id, "%ld", n);
        entity_path(store, id, path, sizeof path);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644); /* claims the id, across processes too */
        if (fd < 0) {
            if (errno == EEXIST) continue;
            return fail_result(result, TANDEM_STATUS_TRANSIENT, "cannot create the entity file");
        }
        close(fd);
        text entity = {0};
        json_slice none = {NULL, 0};
        entity_text(store, id, none, fields, &entity);
        if (entity.failed || write_file(path, &entity) != 0) {
            free(entity.data);
            unlink(path);
            return fail_result(result, TANDEM_STATUS_TRANSIENT, "cannot write the entity file");
        }
        return finish(result, TANDEM_STATUS_OK, &entity);
    }
    return fail_result(result, TANDEM_STATUS_INTERNAL, "no free id");
}

static tandem_status_t op_update(filestore *store, json_slice input, tandem_result_t *result) {
    char id[32], path[4200];
    json_slice fields, old_fields;
    if (!input_id(input, id, sizeof id)) return fail_result(result, TANDEM_STATUS_INVALID, "update needs \"id\" (digits) or \"key\" (FS-n)");
    if (json_find_member(input, "fields", &fields) != 1 || json_trim(fields).start[0] != '{')
        return fail_result(result, TANDEM_STATUS_INVALID, "update needs a \"fields\" object");
    entity_path(store, id, path, sizeof path);
    text old = {0};
    if (read_file(path, &old) != 0) {
        free(old.data);
        return fail_result(result, TANDEM_STATUS_NOT_FOUND, "no such entity");
    }
    json_slice old_entity = {old.data, old.length};
    if (json_find_member(old_entity, "fields", &old_fields) != 1) old_fields.start = NULL;
    text entity = {0};
    entity_text(store, id, old_fields, fields, &entity);
    free(old.data);
    if (entity.failed || write_file(path, &entity) != 0) {
        free(entity.data);
        return fail_result(result, TANDEM_STATUS_TRANSIENT, "cannot write the entity file");
    }
    return finish(result, TANDEM_STATUS_OK, &entity);
}

/* A number member (integer part only), or `fallback` when absent or null. */
static long long input_number(json_slice input, const char *key, long long fallback) {
    json_slice value;
    if (json_find_member(input, key, &value) != 1) return fallback;
    value = json_trim(value);
    if (value.length == 0 || value.start[0] == 'n') return fallback;
    char digits[32];
    size_t length = value.length < sizeof digits - 1 ? value.length : sizeof digits - 1;
    memcpy(digits, value.start, length);
    digits[length] = '\0';
    return atoll(digits);
}

typedef struct { long long modified, id; } search_ref;

static int compare_refs(const void *a, const void *b) {
    const search_ref *x = a, *y = b;
    if (x->modified != y->modified) return x->modified < y->modified ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

/* Entities in (modification time, id) order after the cursor's position, at
 * most `limit` (default 1000) a call.
 *
 * Cursor forms: null = every entity; "<ms>" = entities changed at or after ms;
 * "<ms>:<id>:m" = after that position, more follow; "<ms>:<id>:c" = caught up
 * there, so the next call starts a new sweep `overlapSeconds` (default 60)
 * earlier: a file written late in the same millisecond is not missed, and the
 * node drops what it has already seen. A page of ties always moves on, as the
 * position includes the id. */
static tandem_status_t op_search(filestore *store, json_slice input, tandem_result_t *result) {
    json_slice value;
    char cursor_text[64] = "";
    if (json_find_member(input, "cursor", &value) == 1 && json_trim(value).start[0] != 'n' &&
        json_copy_simple_string(value, cursor_text, sizeof cursor_text) != 0)
        return fail_result(result, TANDEM_STATUS_INVALID, "search \"cursor\" must be a cursor string or null");
    long long since = 0, after_id = -1;
    char state = 'm';
    if (cursor_text[0]) {
        int fields = sscanf(cursor_text, "%lld:%lld:%c", &since, &after_id, &state);
        if (fields != 1 && !(fields == 3 && (state == 'm' || state == 'c')))
            return fail_result(result, TANDEM_STATUS_INVALID, "search \"cursor\" is not a cursor this connector wrote");
        if (fields == 1) after_id = -1;
    }
    if (state == 'c') {
        since -= input_number(input, "overlapSeconds", 60) * 1000;
        after_id = -1;
    }
    long long limit = input_number(input, "limit", 1000);
    if (limit < 1) limit = 1;

    DIR *dir = opendir(store->dir);
    if (!dir) return fail_result(result, TANDEM_STATUS_TRANSIENT, "cannot read the store folder");
    search_ref *refs = NULL;
    size_t count = 0, capacity = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        char id[32];
        size_t length = strlen(entry->d_name);
        if (length < 6 || length - 5 >= sizeof id || strcmp(entry->d_name + length - 5, ".json") != 0) continue;
        memcpy(id, entry->d_name, length - 5);
        id[length - 5] = '\0';
        if (!valid_id(id)) continue;
        char path[4200];
        struct stat info;
        entity_path(store, id, path, sizeof path);
        if (stat(path, &info) != 0 || info.st_size == 0) continue;
        search_ref ref = {(long long)info.st_mtim.tv_sec * 1000 + info.st_mtim.tv_nsec / 1000000, atoll(id)};
        if (ref.modified < since || (ref.modified == since && ref.id <= after_id)) continue;
        if (count == capacity) {
            capacity = capacity ? capacity * 2 : 64;
            search_ref *grown = realloc(refs, capacity * sizeof *refs);
            if (!grown) { free(refs); closedir(dir); return fail_result(result, TANDEM_STATUS_INTERNAL, "out of memory"); }
            refs = grown;
        }
        refs[count++] = ref;
    }
    closedir(dir);
    qsort(refs, count, sizeof *refs, compare_refs);

    size_t taken = count < (size_t)limit ? count : (size_t)limit;
    text out = {0};
    text_puts(&out, "{\"refs\":[");
    for (size_t i = 0; i < taken; i++) {
        char ref[160];
        snprintf(ref, sizeof ref, "%s{\"id\":\"%lld\",\"key\":\"" FILESTORE_KEY_PREFIX "%lld\",\"updatedMs\":%lld}",
                 i ? "," : "", refs[i].id, refs[i].id, refs[i].modified);
        text_puts(&out, ref);
    }
    char tail[128];
    int more = taken < count;
    if (taken > 0)
        snprintf(tail, sizeof tail, "],\"cursor\":\"%lld:%lld:%c\",\"more\":%s}", refs[taken - 1].modified,
                 refs[taken - 1].id, more ? 'm' : 'c', more ? "true" : "false");
    else if (state == 'm' && after_id >= 0) /* caught up at the same position */
        snprintf(tail, sizeof tail, "],\"cursor\":\"%lld:%lld:c\",\"more\":false}", since, after_id);
    else if (cursor_text[0])
        snprintf(tail, sizeof tail, "],\"cursor\":\"%s\",\"more\":false}", cursor_text);
    else
        snprintf(tail, sizeof tail, "],\"cursor\":null,\"more\":false}");
    free(refs);
    text_puts(&out, tail);
    if (out.failed) { free(out.data); return fail_result(result, TANDEM_STATUS_INTERNAL, "out of memory"); }
    return finish(result, TANDEM_STATUS_OK, &out);
}

static const char describe_json[] =
    "{\"id\":\"" FILESTORE_ID "\",\"name\":\"File store (C example)\",\"version\":\"1.0.0\",\"runtime\":\"c\","
    "\"operations\":[\"describe\",\"create\",\"get\",\"update\",\"search\"],\"configuration\":[\"dir\"],"
    "\"threadSafe\":false}";

static tandem_status_t op_describe(tandem_result_t *result) {
    text t = {0};
    text_puts(&t, describe_json);
    return finish(result, TANDEM_STATUS_OK, &t);
}

/* ---- the plugin table -------------------------------------------------- */

static tandem_status_t create_instance(const tandem_host_t *host, const uint8_t *config_json, uint64_t config_size,
                                       void **out_instance, tandem_buffer_t *out_error) {
    json_slice config = {(const char *)config_json, (size_t)config_size}, dir;
    filestore *store = calloc(1, sizeof *store);
    if (!store) return fail(out_error, TANDEM_STATUS_INTERNAL, "out of memory");
    if (!config_json || json_find_member(config, "dir", &dir) != 1 ||
        json_copy_simple_string(dir, store->dir, sizeof store->dir) != 0 || store->dir[0] == '\0') {
        free(store);
        return fail(out_error, TANDEM_STATUS_INVALID, "configuration key 'dir' is missing or not a plain string");
    }
    if (mkdir(store->dir, 0755) != 0 && errno != EEXIST) {
        free(store);
        return fail(out_error, TANDEM_STATUS_INVALID, "configuration key 'dir' names a folder that cannot be created");
    }
    store->host = host;
    if (host && host->log) host->log(host, TANDEM_LOG_INFO, "c-filestore instance ready");
    *out_instance = store;
    return TANDEM_STATUS_OK;
}

static void destroy_instance(void *instance) { free(instance); }

static tandem_status_t call(void *instance, const tandem_call_t *call_info, tandem_result_t *result) {
    if (!instance || !call_info || !call_info->operation || !result) return TANDEM_STATUS_INVALID;
    filestore *store = instance;
    json_slice input = {(const char *)call_info->input, (size_t)call_info->input_size};
    const char *op = call_info->operation;
    if (strcmp(op, "describe") == 0) return op_describe(result);
    if (!call_info->input || json_skip_value(input.start, input.start + input.length) == NULL ||
        json_trim(input).start[0] != '{')
        return fail_result(result, TANDEM_STATUS_INVALID, "input must be a JSON object");
    if (strcmp(op, "get") == 0) return op_get(store, input, result);
    if (strcmp(op, "create") == 0) return op_create(store, input, result);
    if (strcmp(op, "update") == 0) return op_update(store, input, result);
    if (strcmp(op, "search") == 0) return op_search(store, input, result);
    return fail_result(result, TANDEM_STATUS_UNSUPPORTED, "unknown operation");
}

static const tandem_plugin_api_t api = {
    sizeof(tandem_plugin_api_t), 0, create_instance, destroy_instance, call,
};

static const tandem_plugin_descriptor_t descriptor = {
    sizeof(tandem_plugin_descriptor_t), TANDEM_ABI_MAJOR, TANDEM_ABI_MINOR, 0, 0,
    FILESTORE_ID, "File store (C example)", "1.0.0", "c",
    "{\"operations\":[\"describe\",\"create\",\"get\",\"update\",\"search\"]}", &api,
};

TANDEM_EXPORT tandem_status_t tandem_plugin_entry(const tandem_host_info_t *host,
                                                  const tandem_plugin_descriptor_t **out_descriptor) {
    if (!host || !out_descriptor) return TANDEM_STATUS_INVALID;
    if (host->abi_major_min > TANDEM_ABI_MAJOR || host->abi_major_max < TANDEM_ABI_MAJOR) return TANDEM_STATUS_UNSUPPORTED;
    *out_descriptor = &descriptor;
    return TANDEM_STATUS_OK;
}
