#ifndef TANDEM_STATUS_H
#define TANDEM_STATUS_H

#include <stdint.h>

/*
 * Status codes returned by every fallible ABI function, as int32_t (never a C
 * enum: its size is the compiler's choice). A non-OK status comes with a JSON
 * error body where the function has a result buffer:
 *
 *     {"message": "human text", "retry_after_ms": 2000}
 *
 * `retry_after_ms` is present only with TANDEM_STATUS_RATE_LIMITED. Values are
 * stable: new codes are added, none is renumbered. A reader treats an unknown
 * code as TANDEM_STATUS_INTERNAL.
 */
typedef int32_t tandem_status_t;

#define TANDEM_STATUS_OK           0  /* success */
#define TANDEM_STATUS_TRANSIENT    1  /* network, timeout, 5xx: retry later */
#define TANDEM_STATUS_RATE_LIMITED 2  /* 429: retry after retry_after_ms */
#define TANDEM_STATUS_NOT_FOUND    3  /* the entity or resource does not exist */
#define TANDEM_STATUS_INVALID      4  /* the input or the tracker's validation refused it */
#define TANDEM_STATUS_AUTH         5  /* 401/403: credentials or permissions */
#define TANDEM_STATUS_UNSUPPORTED  6  /* operation or feature not implemented */
#define TANDEM_STATUS_INTERNAL     7  /* a bug or broken invariant in the callee */

#endif /* TANDEM_STATUS_H */
