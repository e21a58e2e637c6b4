/* The C connector SDK: see tandem_sdk.h. */
#define _POSIX_C_SOURCE 200809L
#include "tandem_sdk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

tandem_status_t tandem_sdk_status_for_http(int32_t http_status) {
    if (http_status >= 200 && http_status < 400) return TANDEM_STATUS_OK;
    if (http_status == 401) return TANDEM_STATUS_AUTH;
    if (http_status == 404) return TANDEM_STATUS_NOT_FOUND;
    if (http_status == 429) return TANDEM_STATUS_RATE_LIMITED;
    if (http_status == 400 || http_status == 403 || http_status == 409 || http_status == 422) return TANDEM_STATUS_INVALID;
    return TANDEM_STATUS_TRANSIENT;
}

void tandem_sdk_release(tandem_buffer_t *buffer) {
    if (!buffer) return;
    free((void *)buffer->data);
    buffer->data = NULL;
    buffer->size = 0;
    buffer->release = NULL;
}

int tandem_sdk_give(tandem_buffer_t *buffer, const char *text, size_t length) {
    if (!buffer) return -1;
    char *copy = malloc(length + 1);
    if (!copy) return -1;
    memcpy(copy, text, length);
    copy[length] = '\0';
    buffer->data = (const uint8_t *)copy;
    buffer->size = length;
    buffer->release = tandem_sdk_release;
    buffer->owner_data = NULL;
    return 0;
}

/* Moves a cJSON_Print'ed string into the buffer without copying it again. */
static int give_printed(tandem_buffer_t *buffer, char *printed) {
    if (!printed) return -1;
    buffer->data = (const uint8_t *)printed;
    buffer->size = strlen(printed);
    buffer->release = tandem_sdk_release;
    buffer->owner_data = NULL;
    return 0;
}

tandem_status_t tandem_sdk_fail_buffer(tandem_buffer_t *error, tandem_status_t status, const char *message) {
    cJSON *body = cJSON_CreateObject();
    if (body && cJSON_AddStringToObject(body, "message", message ? message : "")) {
        char *printed = cJSON_PrintUnformatted(body);
        if (error && give_printed(error, printed) != 0) free(printed);
        if (!error) free(printed);
    }
    cJSON_Delete(body);
    return status;
}

tandem_status_t tandem_sdk_fail(tandem_result_t *result, tandem_status_t status, const char *message) {
    result->status = status;
    return tandem_sdk_fail_buffer(&result->json, status, message);
}

tandem_status_t tandem_sdk_ok(tandem_result_t *result, cJSON *json) {
    char *printed = json ? cJSON_PrintUnformatted(json) : NULL;
    cJSON_Delete(json);
    if (give_printed(&result->json, printed) != 0) {
        free(printed);
        return tandem_sdk_fail(result, TANDEM_STATUS_INTERNAL, "out of memory");
    }
    result->status = TANDEM_STATUS_OK;
    return TANDEM_STATUS_OK;
}

tandem_status_t tandem_sdk_fail_http(tandem_result_t *result, const char *operation, int32_t http_status,
                                     const uint8_t *body, uint64_t body_size, const char *retry_after_seconds) {
    tandem_status_t status = tandem_sdk_status_for_http(http_status);
    if (status == TANDEM_STATUS_OK) status = TANDEM_STATUS_INTERNAL; /* not a failure: a caller bug */
    char message[512];
    int shown = body_size > 300 ? 300 : (int)body_size;
    snprintf(message, sizeof message, "%s: tracker answered HTTP %d: %.*s", operation ? operation : "call",
             (int)http_status, shown, body ? (const char *)body : "");
    result->status = status;
    cJSON *error = cJSON_CreateObject();
    if (!error) return status;
    cJSON_AddStringToObject(error, "message", message);
    if (status == TANDEM_STATUS_RATE_LIMITED) {
        long seconds = 1;
        if (retry_after_seconds) {
            char *end = NULL;
            long parsed = strtol(retry_after_seconds, &end, 10);
            if (end != retry_after_seconds && parsed >= 0) seconds = parsed;
        }
        cJSON_AddNumberToObject(error, "retry_after_ms", (double)seconds * 1000.0);
    }
    char *printed = cJSON_PrintUnformatted(error);
    cJSON_Delete(error);
    if (give_printed(&result->json, printed) != 0) free(printed);
    return status;
}

cJSON *tandem_sdk_parse_object(const uint8_t *bytes, uint64_t size) {
    if (!bytes) return NULL;
    cJSON *json = cJSON_ParseWithLength((const char *)bytes, (size_t)size);
    if (json && !cJSON_IsObject(json)) {
        cJSON_Delete(json);
        return NULL;
    }
    return json;
}

/* ---- time: proleptic Gregorian, no time zone database ------------------- */

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int tandem_sdk_iso8601(int64_t ms, char out[25]) {
    int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
    int64_t rest = ms - days * 86400000;
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp + (mp < 10 ? 3 : -9);
    int64_t y = yoe + era * 400 + (m <= 2);
    if (y < 0 || y > 9999) return -1;
    char text[80]; /* wider than needed: the compiler cannot see the ranges */
    snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", (int)y, (int)m, (int)d, (int)(rest / 3600000),
             (int)(rest / 60000 % 60), (int)(rest / 1000 % 60), (int)(rest % 1000));
    memcpy(out, text, 25);
    out[24] = '\0';
    return 0;
}

static int digits(const char *text, int count, int64_t *out) {
    int64_t value = 0;
    for (int i = 0; i < count; i++) {
        if (text[i] < '0' || text[i] > '9') return -1;
        value = value * 10 + (text[i] - '0');
    }
    *out = value;
    return 0;
}

int tandem_sdk_parse_iso8601(const char *text, int64_t *out_ms) {
    int64_t y, mo, d, h, mi, s, fraction = 0;
    if (!text || strlen(text) < 19) return -1;
    if (digits(text, 4, &y) || text[4] != '-' || digits(text + 5, 2, &mo) || text[7] != '-' ||
        digits(text + 8, 2, &d) || (text[10] != 'T' && text[10] != ' ') || digits(text + 11, 2, &h) ||
        text[13] != ':' || digits(text + 14, 2, &mi) || text[16] != ':' || digits(text + 17, 2, &s))
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return -1;
    const char *p = text + 19;
    if (*p == '.') {
        int scale = 0;
        for (p++; *p >= '0' && *p <= '9'; p++) {
            if (scale < 3) { fraction = fraction * 10 + (*p - '0'); scale++; }
        }
        if (scale == 0) return -1;
        while (scale++ < 3) fraction *= 10;
    }
    int64_t offset_minutes = 0;
    if (*p == 'Z') p++;
    else if (*p == '+' || *p == '-') {
        int sign = *p == '-' ? -1 : 1;
        int64_t oh, om;
        p++;
        if (digits(p, 2, &oh)) return -1;
        p += 2;
        if (*p == ':') p++;
        if (digits(p, 2, &om)) return -1;
        p += 2;
        offset_minutes = sign * (oh * 60 + om);
    }
    if (*p != '\0') return -1;
    int64_t seconds = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offset_minutes * 60;
    *out_ms = seconds * 1000 + fraction;
    return 0;
}

/* ---- encodings ----------------------------------------------------------- */

char *tandem_sdk_url_encode(const char *text) {
    static const char hex[] = "0123456789ABCDEF";
    size_t length = strlen(text);
    char *out = malloc(length * 3 + 1), *q = out;
    if (!out) return NULL;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
            *p == '.' || *p == '_' || *p == '~') {
            *q++ = (char)*p;
        } else {
            *q++ = '%';
            *q++ = hex[*p >> 4];
            *q++ = hex[*p & 15];
        }
    }
    *q = '\0';
    return out;
}

static const char base64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *tandem_sdk_base64_encode(const uint8_t *bytes, size_t size) {
    char *out = malloc((size + 2) / 3 * 4 + 1), *q = out;
    if (!out) return NULL;
    for (size_t i = 0; i < size; i += 3) {
        uint32_t chunk = (uint32_t)bytes[i] << 16;
        if (i + 1 < size) chunk |= (uint32_t)bytes[i + 1] << 8;
        if (i + 2 < size) chunk |= bytes[i + 2];
        *q++ = base64_alphabet[chunk >> 18 & 63];
        *q++ = base64_alphabet[chunk >> 12 & 63];
        *q++ = i + 1 < size ? base64_alphabet[chunk >> 6 & 63] : '=';
        *q++ = i + 2 < size ? base64_alphabet[chunk & 63] : '=';
    }
    *q = '\0';
    return out;
}

static int base64_value(char c) {
    const char *at = c ? strchr(base64_alphabet, c) : NULL;
    return at ? (int)(at - base64_alphabet) : -1;
}

uint8_t *tandem_sdk_base64_decode(const char *text, size_t *out_size) {
    size_t length = strlen(text);
    while (length > 0 && text[length - 1] == '=') length--;
    if (length % 4 == 1) return NULL;
    uint8_t *out = malloc(length / 4 * 3 + 3);
    if (!out) return NULL;
    size_t n = 0;
    uint32_t chunk = 0;
    int bits = 0;
    for (size_t i = 0; i < length; i++) {
        int value = base64_value(text[i]);
        if (value < 0) { free(out); return NULL; }
        chunk = chunk << 6 | (uint32_t)value;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (uint8_t)(chunk >> bits);
        }
    }
    *out_size = n;
    return out;
}
