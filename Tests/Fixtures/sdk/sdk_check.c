/* Prints what the C SDK helpers answer for fixed inputs, one per line, for
 * CSDKTests to compare. */
#define _POSIX_C_SOURCE 200809L
#include <tandem_sdk.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    char iso[25];
    int64_t ms = 0;
    tandem_sdk_iso8601(1795334400123LL, iso);
    printf("iso %s\n", iso);
    tandem_sdk_iso8601(-1, iso);
    printf("iso %s\n", iso);
    const char *times[] = {"2026-11-22T08:00:00.123Z", "2026-11-22 09:00:00", "2026-11-22T09:00:00.5+01:00",
                           "2026-11-22T08:00:00.123456-0030", "2026-11-22", "2026-13-01T00:00:00Z"};
    for (size_t i = 0; i < sizeof times / sizeof *times; i++) {
        if (tandem_sdk_parse_iso8601(times[i], &ms) == 0) printf("parse %lld\n", (long long)ms);
        else printf("parse invalid\n");
    }
    int statuses[] = {200, 400, 401, 403, 404, 409, 418, 422, 429, 500, 503, 0};
    for (size_t i = 0; i < sizeof statuses / sizeof *statuses; i++) printf("http %d %d\n", statuses[i], tandem_sdk_status_for_http(statuses[i]));
    char *url = tandem_sdk_url_encode("a b/c?d=é&~");
    printf("url %s\n", url);
    free(url);
    const char *inputs[] = {"", "f", "fo", "foo", "foob"};
    for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
        char *encoded = tandem_sdk_base64_encode((const uint8_t *)inputs[i], strlen(inputs[i]));
        size_t size = 0;
        uint8_t *decoded = tandem_sdk_base64_decode(encoded, &size);
        printf("base64 %s %.*s\n", encoded, (int)size, decoded ? (const char *)decoded : "");
        free(encoded);
        free(decoded);
    }
    size_t size = 0;
    printf("base64 invalid %s\n", tandem_sdk_base64_decode("ab$d", &size) ? "accepted" : "refused");
    tandem_result_t result = {0};
    tandem_sdk_fail_http(&result, "get", 429, (const uint8_t *)"slow \"down\"", 11, "7");
    printf("fail %d %.*s\n", result.status, (int)result.json.size, (const char *)result.json.data);
    result.json.release(&result.json);
    return 0;
}
