/*
 * c-filestore: a Tandem connector written in plain C against the ABI header,
 * Debian's cJSON and the C SDK helpers (Sources/PluginAPI/sdk). It keeps each
 * entity as one JSON file, <dir>/<n>.json, in a folder given by the instance
 * config {"dir": "/path"}.
 *
 * Operations: describe, create, get, update, search (by each entity's
 * `updated`). It is the proof that a connector needs nothing but
 * tandem/tandem.h, a JSON library and a C compiler.
 *
 * Threads: not declared thread-safe, so the node serialises calls per
 * instance; creates are still safe across processes (O_EXCL on the new file).
 * Memory: every buffer handed to the node carries tandem_sdk_release, which
 * frees it; the node never frees our memory itself.
 */
#define _POSIX_C_SOURCE 200809L
#include <tandem/tandem.h>
#include <tandem_sdk.h>

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef FILESTORE_ID
#define FILESTORE_ID "c-filestore"
#endif
#define FILESTORE_KEY_PREFIX "FS-"
#define OPERATIONS "[\"describe\",\"create\",\"get\",\"update\",\"search\"]"

typedef struct {
    char dir[4096];
    const tandem_host_t *host;
} filestore;

/* ---- files ------------------------------------------------------------- */

static cJSON *read_entity(const char *path) {
    FILE *file = fopen(path, "rb");
    if (!file) return NULL;
    char *data = NULL;
    size_t length = 0, capacity = 0, n;
    char chunk[8192];
    while ((n = fread(chunk, 1, sizeof chunk, file)) > 0) {
        if (length + n > capacity) {
            capacity = (length + n) * 2;
            char *grown = realloc(data, capacity);
            if (!grown) { free(data); fclose(file); errno = ENOMEM; return NULL; }
            data = grown;
        }
        memcpy(data + length, chunk, n);
        length += n;
    }
    fclose(file);
    cJSON *json = data ? cJSON_ParseWithLength(data, length) : NULL;
    free(data);
    if (!json) errno = EIO;
    return json;
}

/* Writes atomically: a temporary file renamed over the target. */
static int write_entity(const char *path, const cJSON *entity) {
    char *text = cJSON_PrintUnformatted(entity);
    if (!text) return -1;
    char temporary[4200];
    snprintf(temporary, sizeof temporary, "%s.tmp%ld", path, (long)getpid());
    FILE *file = fopen(temporary, "wb");
    if (!file) { free(text); return -1; }
    size_t length = strlen(text);
    size_t written = fwrite(text, 1, length, file);
    free(text);
    int error = fflush(file) != 0 || fsync(fileno(file)) != 0;
    fclose(file);
    if (written != length || error || rename(temporary, path) != 0) { unlink(temporary); return -1; }
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

static int64_t now_ms(const filestore *store) {
    int64_t ms = store->host && store->host->now_ms ? store->host->now_ms(store->host) : 0;
    if (ms > 0) return ms;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* ---- entity ------------------------------------------------------------ */

/* The entity JSON: old fields (if any) overlaid with new fields. Takes a copy
 * of both; returns NULL when out of memory. */
static cJSON *entity_json(const filestore *store, const char *id, const cJSON *old_fields, const cJSON *new_fields) {
    char updated[25], path[4200], url[4300], key[64];
    tandem_sdk_iso8601(now_ms(store), updated);
    entity_path(store, id, path, sizeof path);
    snprintf(url, sizeof url, "file://%s", path);
    snprintf(key, sizeof key, FILESTORE_KEY_PREFIX "%s", id);
    cJSON *entity = cJSON_CreateObject();
    cJSON *fields = old_fields ? cJSON_Duplicate(old_fields, 1) : cJSON_CreateObject();
    if (!entity || !fields) { cJSON_Delete(entity); cJSON_Delete(fields); return NULL; }
    for (const cJSON *field = new_fields ? new_fields->child : NULL; field; field = field->next) {
        cJSON *copy = cJSON_Duplicate(field, 1);
        if (!copy) continue;
        if (cJSON_GetObjectItemCaseSensitive(fields, field->string)) cJSON_ReplaceItemInObjectCaseSensitive(fields, field->string, copy);
        else cJSON_AddItemToObject(fields, field->string, copy);
    }
    cJSON_AddStringToObject(entity, "id", id);
    cJSON_AddStringToObject(entity, "key", key);
    cJSON_AddStringToObject(entity, "type", "record");
    cJSON_AddStringToObject(entity, "url", url);
    cJSON_AddStringToObject(entity, "updated", updated);
    cJSON_AddItemToObject(entity, "fields", fields);
    cJSON_AddItemToObject(entity, "comments", cJSON_CreateArray());
    cJSON_AddItemToObject(entity, "attachments", cJSON_CreateArray());
    return entity;
}

/* The id named by {"id": "digits"} or {"key": "FS-digits"}; 0 when neither. */
static int input_id(const cJSON *input, char *id, size_t capacity) {
    const cJSON *value = cJSON_GetObjectItemCaseSensitive(input, "id");
    const char *text = cJSON_GetStringValue(value);
    if (!text) {
        text = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(input, "key"));
        if (!text || strncmp(text, FILESTORE_KEY_PREFIX, strlen(FILESTORE_KEY_PREFIX)) != 0) return 0;
        text += strlen(FILESTORE_KEY_PREFIX);
    }
    if (strlen(text) >= capacity) return 0;
    memcpy(id, text, strlen(text) + 1);
    return valid_id(id);
}

/* ---- operations -------------------------------------------------------- */

static tandem_status_t op_get(filestore *store, const cJSON *input, tandem_result_t *result) {
    char id[32], path[4200];
    if (!input_id(input, id, sizeof id)) return tandem_sdk_fail(result, TANDEM_STATUS_INVALID, "get: needs \"id\" (digits) or \"key\" (FS-n)");
    entity_path(store, id, path, sizeof path);
    cJSON *entity = read_entity(path);
    if (!entity) {
        return errno == ENOENT ? tandem_sdk_fail(result, TANDEM_STATUS_NOT_FOUND, "get: no such entity")
                               : tandem_sdk_fail(result, TANDEM_STATUS_TRANSIENT, "get: cannot read the entity file");
    }
    return tandem_sdk_ok(result, entity);
}

static tandem_status_t op_create(filestore *store, const cJSON *input, tandem_result_t *result) {
    const cJSON *fields = cJSON_GetObjectItemCaseSensitive(input, "fields");
    if (!cJSON_IsObject(fields)) return tandem_sdk_fail(result, TANDEM_STATUS_INVALID, "create: needs a \"fields\" object");
    for (long n = 1; n < 1000000000L; n++) {
        char id[32], path[4200];
        snprintf(id, sizeof id, "%ld", n);
        entity_path(store, id, path, sizeof path);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644); /* claims the id, across processes too */
        if (fd < 0) {
            if (errno == EEXIST) continue;
            return tandem_sdk_fail(result, TANDEM_STATUS_TRANSIENT, "create: cannot create the entity file");
        }
        close(fd);
        cJSON *entity = entity_json(store, id, NULL, fields);
        if (!entity || write_entity(path, entity) != 0) {
            cJSON_Delete(entity);
            unlink(path);
            return tandem_sdk_fail(result, TANDEM_STATUS_TRANSIENT, "create: cannot write the entity file");
        }
        return tandem_sdk_ok(result, entity);
    }
    return tandem_sdk_fail(result, TANDEM_STATUS_INTERNAL, "create: no free id");
}

static tandem_status_t op_update(filestore *store, const cJSON *input, tandem_result_t *result) {
    char id[32], path[4200];
    const cJSON *fields = cJSON_GetObjectItemCaseSensitive(input, "fields");
    if (!input_id(input, id, sizeof id)) return tandem_sdk_fail(result, TANDEM_STATUS_INVALID, "update: needs \"id\" (digits) or \"key\" (FS-n)");
    if (!cJSON_IsObject(fields)) return tandem_sdk_fail(result, TANDEM_STATUS_INVALID, "update: needs a \"fields\" object");
    entity_path(store, id, path, sizeof path);
    cJSON *old = read_entity(path);
    if (!old) return tandem_sdk_fail(result, TANDEM_STATUS_NOT_FOUND, "update: no such entity");
    cJSON *entity = entity_json(store, id, cJSON_GetObjectItemCaseSensitive(old, "fields"), fields);
    cJSON_Delete(old);
    if (!entity || write_entity(path, entity) != 0) {
        cJSON_Delete(entity);
        return tandem_sdk_fail(result, TANDEM_STATUS_TRANSIENT, "update: cannot write the entity file");
    }
    return tandem_sdk_ok(result, entity);
}

typedef struct { int64_t ms; long long id; cJSON *ref; } search_ref;

static int compare_refs(const void *a, const void *b) {
    const search_ref *x = a, *y = b;
    if (x->ms != y->ms) return x->ms < y->ms ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

/* Entities in (`updated`, id) order after the cursor's position, at most
 * `limit` (default 1000) a call, with "more": true while others follow.
 *
 * Cursor forms: null = every entity; "<iso>|<id>|m" = after that position;
 * "<iso>|<id>|c" (caught up there) or a bare "<iso>" = a new sweep from
 * (iso - overlapSeconds, default 60): a change stamped late with an earlier
 * time is not missed, and the node drops what it has already seen. The
 * position includes the id, so a page of equal times always moves on. */
static tandem_status_t op_search(filestore *store, const cJSON *input, tandem_result_t *result) {
    const cJSON *cursor = cJSON_GetObjectItemCaseSensitive(input, "cursor");
    const cJSON *overlap = cJSON_GetObjectItemCaseSensitive(input, "overlapSeconds");
    const cJSON *limit_item = cJSON_GetObjectItemCaseSensitive(input, "limit");
    size_t limit = cJSON_IsNumber(limit_item) && limit_item->valuedouble >= 1 ? (size_t)limit_item->valuedouble : 1000;
    int64_t since = INT64_MIN, position = 0;
    long long after_id = -1;
    char state = 'c';
    if (cursor && !cJSON_IsNull(cursor)) {
        const char *text = cJSON_GetStringValue(cursor);
        char iso[40] = "";
        const char *bar = text ? strchr(text, '|') : NULL;
        size_t iso_length = text ? (bar ? (size_t)(bar - text) : strlen(text)) : sizeof iso;
        if (iso_length < sizeof iso) { memcpy(iso, text, iso_length); iso[iso_length] = '\0'; }
        if (!text || iso_length >= sizeof iso || tandem_sdk_parse_iso8601(iso, &position) != 0 ||
            (bar && (sscanf(bar, "|%lld|%c", &after_id, &state) != 2 || (state != 'm' && state != 'c'))))
            return tandem_sdk_fail(result, TANDEM_STATUS_INVALID, "search: \"cursor\" must be null or a cursor this connector returned");
        since = position;
        if (state == 'c') {
            since = position - (int64_t)((cJSON_IsNumber(overlap) ? overlap->valuedouble : 60.0) * 1000.0);
            after_id = -1;
        }
    }
    DIR *dir = opendir(store->dir);
    if (!dir) return tandem_sdk_fail(result, TANDEM_STATUS_TRANSIENT, "search: cannot read the store folder");
    search_ref *found = NULL;
    size_t count = 0, capacity = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        char id[32], path[4200];
        size_t length = strlen(entry->d_name);
        if (length < 6 || length - 5 >= sizeof id || strcmp(entry->d_name + length - 5, ".json") != 0) continue;
        memcpy(id, entry->d_name, length - 5);
        id[length - 5] = '\0';
        if (!valid_id(id)) continue;
        entity_path(store, id, path, sizeof path);
        cJSON *entity = read_entity(path); /* NULL for a file a create has claimed but not written yet */
        const char *updated = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(entity, "updated"));
        int64_t ms;
        long long number = atoll(id);
        if (updated && tandem_sdk_parse_iso8601(updated, &ms) == 0 &&
            (ms > since || (ms == since && number > after_id))) {
            if (count == capacity) {
                capacity = capacity ? capacity * 2 : 64;
                search_ref *grown = realloc(found, capacity * sizeof *found);
                if (!grown) { cJSON_Delete(entity); break; }
                found = grown;
            }
            cJSON *ref = cJSON_CreateObject();
            cJSON_AddStringToObject(ref, "id", id);
            cJSON_AddItemToObject(ref, "key", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(entity, "key"), 1));
            cJSON_AddStringToObject(ref, "updated", updated);
            found[count++] = (search_ref){ms, number, ref};
        }
        cJSON_Delete(entity);
    }
    closedir(dir);
    if (count > 0) qsort(found, count, sizeof *found, compare_refs);
    size_t taken = count < limit ? count : limit;
    cJSON *answer = cJSON_CreateObject();
    cJSON *refs = cJSON_AddArrayToObject(answer, "refs");
    for (size_t i = 0; i < count; i++) {
        if (i < taken && refs) cJSON_AddItemToArray(refs, found[i].ref);
        else cJSON_Delete(found[i].ref);
    }
    char iso[25], next[80];
    int more = taken < count;
    if (taken > 0 && tandem_sdk_iso8601(found[taken - 1].ms, iso) == 0) {
        snprintf(next, sizeof next, "%s|%lld|%c", iso, found[taken - 1].id, more ? 'm' : 'c');
        cJSON_AddStringToObject(answer, "cursor", next);
    } else if (taken == 0 && state == 'm' && tandem_sdk_iso8601(position, iso) == 0) {
        snprintf(next, sizeof next, "%s|%lld|c", iso, after_id); /* caught up where it stood */
        cJSON_AddStringToObject(answer, "cursor", next);
    } else if (taken == 0 && cursor && !cJSON_IsNull(cursor)) {
        cJSON_AddItemToObject(answer, "cursor", cJSON_Duplicate(cursor, 1));
    } else {
        cJSON_AddNullToObject(answer, "cursor");
    }
    cJSON_AddBoolToObject(answer, "more", more);
    free(found);
    return tandem_sdk_ok(result, answer);
}

static const char describe_json[] =
    "{\"id\":\"" FILESTORE_ID "\",\"name\":\"File store (C example)\",\"version\":\"1.1.0\",\"runtime\":\"c\","
    "\"operations\":" OPERATIONS ",\"configuration\":[\"dir\"],\"threadSafe\":false}";

/* ---- the plugin table -------------------------------------------------- */

static tandem_status_t create_instance(const tandem_host_t *host, const uint8_t *config_json, uint64_t config_size,
                                       void **out_instance, tandem_buffer_t *out_error) {
    cJSON *config = tandem_sdk_parse_object(config_json, config_size);
    const char *dir = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(config, "dir"));
    if (!dir || !*dir || strlen(dir) >= sizeof ((filestore *)0)->dir) {
        cJSON_Delete(config);
        return tandem_sdk_fail_buffer(out_error, TANDEM_STATUS_INVALID, "configuration key 'dir' is missing or not a string");
    }
    filestore *store = calloc(1, sizeof *store);
    if (!store) {
        cJSON_Delete(config);
        return tandem_sdk_fail_buffer(out_error, TANDEM_STATUS_INTERNAL, "out of memory");
    }
    memcpy(store->dir, dir, strlen(dir) + 1);
    cJSON_Delete(config);
    if (mkdir(store->dir, 0755) != 0 && errno != EEXIST) {
        free(store);
        return tandem_sdk_fail_buffer(out_error, TANDEM_STATUS_INVALID, "configuration key 'dir' names a folder that cannot be created");
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
    const char *op = call_info->operation;
    if (strcmp(op, "describe") == 0) {
        result->status = TANDEM_STATUS_OK;
        if (tandem_sdk_give(&result->json, describe_json, sizeof describe_json - 1) != 0)
            return tandem_sdk_fail(result, TANDEM_STATUS_INTERNAL, "out of memory");
        return TANDEM_STATUS_OK;
    }
    cJSON *input = tandem_sdk_parse_object(call_info->input, call_info->input_size);
    if (!input) return tandem_sdk_fail(result, TANDEM_STATUS_INVALID, "input must be a JSON object");
    tandem_status_t status;
    if (strcmp(op, "get") == 0) status = op_get(store, input, result);
    else if (strcmp(op, "create") == 0) status = op_create(store, input, result);
    else if (strcmp(op, "update") == 0) status = op_update(store, input, result);
    else if (strcmp(op, "search") == 0) status = op_search(store, input, result);
    else status = tandem_sdk_fail(result, TANDEM_STATUS_UNSUPPORTED, "unknown operation");
    cJSON_Delete(input);
    return status;
}

static const tandem_plugin_api_t api = {
    sizeof(tandem_plugin_api_t), 0, create_instance, destroy_instance, call,
};

static const tandem_plugin_descriptor_t descriptor = {
    sizeof(tandem_plugin_descriptor_t), TANDEM_ABI_MAJOR, TANDEM_ABI_MINOR, 0, 0,
    FILESTORE_ID, "File store (C example)", "1.1.0", "c",
    "{\"operations\":" OPERATIONS "}", &api,
};

TANDEM_EXPORT tandem_status_t tandem_plugin_entry(const tandem_host_info_t *host,
                                                  const tandem_plugin_descriptor_t **out_descriptor) {
    if (!host || !out_descriptor) return TANDEM_STATUS_INVALID;
    if (host->abi_major_min > TANDEM_ABI_MAJOR || host->abi_major_max < TANDEM_ABI_MAJOR) return TANDEM_STATUS_UNSUPPORTED;
    *out_descriptor = &descriptor;
    return TANDEM_STATUS_OK;
}
