/*
 * A minimal JSON scanner for the file-store example: it finds members of an
 * object and the extent of any value without building a tree. Enough for a
 * connector that stores the JSON it is given; not a general parser.
 */
#ifndef FILESTORE_JSON_SCAN_H
#define FILESTORE_JSON_SCAN_H

#include <stddef.h>

/* A slice of the input: [start, start + length). */
typedef struct {
    const char *start;
    size_t length;
} json_slice;

/* Skips one JSON value starting at p (after leading space). Returns the first
 * byte after it, or NULL when the text is not valid JSON there. */
const char *json_skip_value(const char *p, const char *end);

/* Finds member `key` of the object in `object`. On success stores its value's
 * slice in *out and returns 1; returns 0 when absent, -1 when `object` is not a
 * JSON object. */
int json_find_member(json_slice object, const char *key, json_slice *out);

/* Calls `visit(key, key_length, value, context)` for each member of an object
 * in order. Returns 0, or -1 when `object` is not a valid JSON object. */
int json_each_member(json_slice object,
                     void (*visit)(const char *key, size_t key_length, json_slice value, void *context),
                     void *context);

/* Copies a JSON string value without escapes into `out` (NUL-terminated).
 * Returns 0, or -1 when the value is not such a string or does not fit. */
int json_copy_simple_string(json_slice value, char *out, size_t capacity);

/* Returns the slice with surrounding white space removed. */
json_slice json_trim(json_slice value);

#endif
