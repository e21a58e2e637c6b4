/*
 * The C example file store (Examples/CConnector) with a fault on one entity:
 * every operation answers as the example does, except `get` of the entity
 * whose id is FAULT_ID, where the plugin crashes or never returns. Built by
 * the tests with cc, with exactly one of:
 *
 *   FAULT_SEGV    write through a NULL pointer (SIGSEGV)
 *   FAULT_ABORT   abort() (SIGABRT)
 *   FAULT_HANG    sleep forever (a tracker call that never returns)
 *
 * and FAULT_ID="n" (the digits of FS-n; default "2"), FILESTORE_SOURCE (the
 * path of filestore.c, included here so its statics are reachable). Built
 * like the example: with the C SDK and cJSON (CCompiler.sdkConnector).
 */
#define _POSIX_C_SOURCE 200809L
#define tandem_plugin_entry filestore_plugin_entry
#include FILESTORE_SOURCE
#undef tandem_plugin_entry

#ifndef FAULT_ID
#define FAULT_ID "2"
#endif

static void fault(void) {
#if defined(FAULT_SEGV)
    volatile int *nowhere = NULL;
    *nowhere = 1;
#elif defined(FAULT_ABORT)
    abort();
#elif defined(FAULT_HANG)
    for (;;) sleep(1);
#else
#error "define FAULT_SEGV, FAULT_ABORT or FAULT_HANG"
#endif
}

static tandem_status_t faulty_call(void *instance, const tandem_call_t *call_info, tandem_result_t *result) {
    if (call_info && call_info->operation && strcmp(call_info->operation, "get") == 0) {
        cJSON *input = tandem_sdk_parse_object(call_info->input, call_info->input_size);
        char id[32];
        int hit = input && input_id(input, id, sizeof id) && strcmp(id, FAULT_ID) == 0;
        cJSON_Delete(input);
        if (hit) fault();
    }
    return call(instance, call_info, result);
}

static const tandem_plugin_api_t faulty_api = {
    sizeof(tandem_plugin_api_t), 0, create_instance, destroy_instance, faulty_call,
};

static const tandem_plugin_descriptor_t faulty_descriptor = {
    sizeof(tandem_plugin_descriptor_t), TANDEM_ABI_MAJOR, TANDEM_ABI_MINOR, 0, 0,
    FILESTORE_ID, "File store with a fault (test fixture)", "1.0.0", "c",
    "{\"operations\":" OPERATIONS "}", &faulty_api,
};

TANDEM_EXPORT tandem_status_t tandem_plugin_entry(const tandem_host_info_t *host,
                                                  const tandem_plugin_descriptor_t **out_descriptor) {
    if (!host || !out_descriptor) return TANDEM_STATUS_INVALID;
    *out_descriptor = &faulty_descriptor;
    return TANDEM_STATUS_OK;
}
