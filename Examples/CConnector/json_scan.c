#include "json_scan.h"

#include <string.h>

static const char *skip_space(const char *p, const char *end) {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
    return p;
}

static const char *skip_string(const char *p, const char *end) {
    if (p >= end || *p != '"') return NULL;
    for (p++; p < end; p++) {
        if (*p == '\\') { p++; continue; }
        if (*p == '"') return p + 1;
        if ((unsigned char)*p < 0x20) return NULL;
    }
    return NULL;
}

/* Invariant: depth is bounded so hostile input cannot exhaust the stack. */
static const char *skip_value_depth(const char *p, const char *end, int depth) {
    if (depth > 256) return NULL;
    p = skip_space(p, end);
    if (p >= end) return NULL;
    if (*p == '"') return skip_string(p, end);
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        int is_object = *p == '{';
        p = skip_space(p + 1, end);
        if (p < end && *p == close) return p + 1;
        for (;;) {
            if (is_object) {
                p = skip_string(skip_space(p, end), end);
                if (!p) return NULL;
                p = skip_space(p, end);
                if (p >= end || *p != ':') return NULL;
                p++;
            }
            p = skip_value_depth(p, end, depth + 1);
            if (!p) return NULL;
            p = skip_space(p, end);
            if (p >= end) return NULL;
            if (*p == ',') { p++; continue; }
            if (*p == close) return p + 1;
            return NULL;
        }
    }
    /* number, true, false, null */
    const char *start = p;
    while (p < end && (strchr("+-.0123456789eEtruefalsn", *p) != NULL)) p++;
    return p > start ? p : NULL;
}

const char *json_skip_value(const char *p, const char *end) { return skip_value_depth(p, end, 0); }

json_slice json_trim(json_slice value) {
    const char *p = value.start, *end = value.start + value.length;
    p = skip_space(p, end);
    while (end > p && (end[-1] == ' ' || end[-1] == '\n' || end[-1] == '\t' || end[-1] == '\r')) end--;
    json_slice out = {p, (size_t)(end - p)};
    return out;
}

int json_each_member(json_slice object,
                     void (*visit)(const char *key, size_t key_length, json_slice value, void *context),
                     void *context) {
    const char *p = object.start, *end = object.start + object.length;
    p = skip_space(p, end);
    if (p >= end || *p != '{') return -1;
    p = skip_space(p + 1, end);
    if (p < end && *p == '}') return 0;
    for (;;) {
        p = skip_space(p, end);
        const char *key_end = skip_string(p, end);
        if (!key_end) return -1;
        const char *key = p + 1;
        size_t key_length = (size_t)(key_end - 1 - key);
        p = skip_space(key_end, end);
        if (p >= end || *p != ':') return -1;
        const char *value_start = skip_space(p + 1, end);
        const char *value_end = json_skip_value(value_start, end);
        if (!value_end) return -1;
        json_slice value = {value_start, (size_t)(value_end - value_start)};
        if (visit) visit(key, key_length, value, context);
        p = skip_space(value_end, end);
        if (p >= end) return -1;
        if (*p == ',') { p++; continue; }
        if (*p == '}') return 0;
        return -1;
    }
}

struct find_context { const char *key; size_t key_length; json_slice found; int hit; };

static void find_visit(const char *key, size_t key_length, json_slice value, void *context) {
    struct find_context *find = context;
    if (key_length == find->key_length && memcmp(key, find->key, key_length) == 0) {
        find->found = value;
        find->hit = 1;
    }
}

int json_find_member(json_slice object, const char *key, json_slice *out) {
    struct find_context find = {key, strlen(key), {NULL, 0}, 0};
    if (json_each_member(object, find_visit, &find) != 0) return -1;
    if (find.hit && out) *out = find.found;
    return find.hit;
}

int json_copy_simple_string(json_slice value, char *out, size_t capacity) {
    value = json_trim(value);
    if (value.length < 2 || value.start[0] != '"' || value.start[value.length - 1] != '"') return -1;
    size_t length = value.length - 2;
    if (length + 1 > capacity || memchr(value.start + 1, '\\', length) != NULL) return -1;
    memcpy(out, value.start + 1, length);
    out[length] = '\0';
    return 0;
}
