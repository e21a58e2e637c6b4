#ifndef TANDEM_ENTRY_H
#define TANDEM_ENTRY_H

/*
 * The one exported symbol and the negotiation.
 *
 * The host dlopens the library (RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE), looks
 * up TANDEM_PLUGIN_ENTRY_SYMBOL, and calls it once with what it speaks. The
 * plugin answers with a descriptor, or refuses with a non-OK status. The host
 * then decides: it refuses a plugin whose ABI major is outside its range, a
 * descriptor smaller than v1's, a missing function, or a Swift plugin built
 * for another Swift runtime. Libraries are never unloaded.
 *
 * The entry may be called more than once (two hosts in one process, or a
 * rescan); it must return the same descriptor each time.
 */

#include <stdint.h>
#include "plugin.h"
#include "status.h"

#ifdef __cplusplus
#define TANDEM_EXTERN_C extern "C"
#else
#define TANDEM_EXTERN_C
#endif
#define TANDEM_EXPORT TANDEM_EXTERN_C __attribute__((visibility("default")))

#define TANDEM_PLUGIN_ENTRY_SYMBOL "tandem_plugin_entry"

/* The plugin's `call` may run concurrently on one instance. */
#define TANDEM_PLUGIN_THREAD_SAFE 0x1u

/* What the host speaks. Borrowed for the duration of the entry call. */
typedef struct tandem_host_info {
    uint32_t struct_size;      /* sizeof(tandem_host_info_t) as the host knows it */
    uint16_t abi_major_min;    /* oldest ABI major the host loads */
    uint16_t abi_major_max;    /* newest ABI major the host loads */
    uint16_t abi_minor;        /* the host's minor of abi_major_max */
    uint16_t reserved0;        /* zero */
    uint32_t reserved1;        /* zero */
    const char *runtime;       /* host's runtime tag, e.g. "swift-6.3.1"; NUL-terminated */
    const char *host_version;  /* e.g. "tandem 0.1.0"; NUL-terminated */
} tandem_host_info_t;

/* What the plugin is. Owner: the plugin. The descriptor and every string and
 * table it points to must stay valid and unchanged for the life of the process
 * (the library is never unloaded); the host copies what it keeps anyway. */
typedef struct tandem_plugin_descriptor {
    uint32_t struct_size;            /* sizeof(tandem_plugin_descriptor_t) as the plugin knows it */
    uint16_t abi_major;              /* the major the plugin chose within the host's range */
    uint16_t abi_minor;              /* the plugin's minor of that major */
    uint32_t flags;                  /* TANDEM_PLUGIN_THREAD_SAFE, … */
    uint32_t reserved;               /* zero */
    const char *id;                  /* stable id, e.g. "jira-like": [a-z0-9][a-z0-9._-]* */
    const char *name;                /* human-readable name */
    const char *version;             /* the plugin's own version, e.g. "1.0.0" */
    const char *runtime;             /* "c", or the Swift runtime tag it was built with */
    const char *capabilities_json;   /* {"operations": ["describe", "get", …], …}; optional
                                        "webhookSignature": {"header": NAME, "scheme": "sha256-hex"}
                                        when the tracker signs its webhooks (the host verifies them) */
    const tandem_plugin_api_t *api;  /* the plugin table */
} tandem_plugin_descriptor_t;

/* The entry. `host` is borrowed for this call only. On OK `*out_descriptor`
 * points to the plugin's static descriptor. Returns a non-OK status to refuse.
 * [host main thread, during loading; never concurrently with itself] */
typedef tandem_status_t (*tandem_plugin_entry_fn)(const tandem_host_info_t *host,
                                                  const tandem_plugin_descriptor_t **out_descriptor);

TANDEM_EXPORT tandem_status_t tandem_plugin_entry(const tandem_host_info_t *host,
                                                  const tandem_plugin_descriptor_t **out_descriptor);

#endif /* TANDEM_ENTRY_H */
