/*
 * Compiles the whole ABI header as C (c99, c11, c17) and C++ (c++17) with
 * -Wall -Wextra -pedantic -Werror, and uses every type once, the way a
 * minimal plugin would. Never linked into anything.
 */
#include <tandem/tandem.h>

static tandem_status_t template_create(const tandem_host_t *host, const uint8_t *config, uint64_t size,
                                       void **out_instance, tandem_buffer_t *out_error) {
    (void)config; (void)size; (void)out_error;
    if (TANDEM_HAS(host, tandem_host_t, now_ms) && host->now_ms != NULL) (void)host->now_ms(host);
    *out_instance = NULL;
    return TANDEM_STATUS_OK;
}

static void template_destroy(void *instance) { (void)instance; }

static tandem_status_t template_call(void *instance, const tandem_call_t *call, tandem_result_t *result) {
    tandem_http_request_t request = {sizeof(tandem_http_request_t), 0, "GET", "/", NULL, NULL, 0};
    tandem_http_response_t response;
    (void)instance; (void)call; (void)request; (void)response;
    result->status = TANDEM_STATUS_UNSUPPORTED;
    return TANDEM_STATUS_UNSUPPORTED;
}

static const tandem_plugin_api_t template_api = {
    sizeof(tandem_plugin_api_t), 0, template_create, template_destroy, template_call,
};

static const tandem_plugin_descriptor_t template_descriptor = {
    sizeof(tandem_plugin_descriptor_t), TANDEM_ABI_MAJOR, TANDEM_ABI_MINOR, TANDEM_PLUGIN_THREAD_SAFE, 0,
    "template", "Template", "0.0.0", "c", "{\"operations\":[\"describe\"]}", &template_api,
};

TANDEM_EXPORT tandem_status_t tandem_plugin_entry(const tandem_host_info_t *host,
                                                  const tandem_plugin_descriptor_t **out_descriptor) {
    if (host == NULL || host->abi_major_max < TANDEM_ABI_MAJOR) return TANDEM_STATUS_UNSUPPORTED;
    *out_descriptor = &template_descriptor;
    return TANDEM_STATUS_OK;
}
