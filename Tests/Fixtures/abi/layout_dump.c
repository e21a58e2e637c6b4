/* Prints the size of every ABI struct and the offset and size of every field,
 * one per line, for comparison with the committed golden table. */
#include <stdio.h>
#include <tandem/tandem.h>

#define STRUCT(type) printf("%s size=%zu align=%zu\n", #type, sizeof(type), _Alignof(type))
#define FIELD(type, field) printf("%s.%s offset=%zu size=%zu\n", #type, #field, offsetof(type, field), sizeof(((type *)0)->field))

int main(void) {
    STRUCT(tandem_buffer_t);
    FIELD(tandem_buffer_t, struct_size); FIELD(tandem_buffer_t, reserved); FIELD(tandem_buffer_t, data);
    FIELD(tandem_buffer_t, size); FIELD(tandem_buffer_t, release); FIELD(tandem_buffer_t, owner_data);

    STRUCT(tandem_http_request_t);
    FIELD(tandem_http_request_t, struct_size); FIELD(tandem_http_request_t, timeout_ms);
    FIELD(tandem_http_request_t, method); FIELD(tandem_http_request_t, url); FIELD(tandem_http_request_t, headers_json);
    FIELD(tandem_http_request_t, body); FIELD(tandem_http_request_t, body_size);

    STRUCT(tandem_http_response_t);
    FIELD(tandem_http_response_t, struct_size); FIELD(tandem_http_response_t, http_status);
    FIELD(tandem_http_response_t, headers_json); FIELD(tandem_http_response_t, body);

    STRUCT(tandem_host_t);
    FIELD(tandem_host_t, struct_size); FIELD(tandem_host_t, reserved); FIELD(tandem_host_t, host_data);
    FIELD(tandem_host_t, log); FIELD(tandem_host_t, http); FIELD(tandem_host_t, secret); FIELD(tandem_host_t, now_ms);

    STRUCT(tandem_call_t);
    FIELD(tandem_call_t, struct_size); FIELD(tandem_call_t, reserved); FIELD(tandem_call_t, operation);
    FIELD(tandem_call_t, input); FIELD(tandem_call_t, input_size); FIELD(tandem_call_t, blob); FIELD(tandem_call_t, blob_size);

    STRUCT(tandem_result_t);
    FIELD(tandem_result_t, struct_size); FIELD(tandem_result_t, status); FIELD(tandem_result_t, json); FIELD(tandem_result_t, blob);

    STRUCT(tandem_plugin_api_t);
    FIELD(tandem_plugin_api_t, struct_size); FIELD(tandem_plugin_api_t, reserved);
    FIELD(tandem_plugin_api_t, create_instance); FIELD(tandem_plugin_api_t, destroy_instance); FIELD(tandem_plugin_api_t, call);

    STRUCT(tandem_host_info_t);
    FIELD(tandem_host_info_t, struct_size); FIELD(tandem_host_info_t, abi_major_min); FIELD(tandem_host_info_t, abi_major_max);
    FIELD(tandem_host_info_t, abi_minor); FIELD(tandem_host_info_t, reserved0); FIELD(tandem_host_info_t, reserved1);
    FIELD(tandem_host_info_t, runtime); FIELD(tandem_host_info_t, host_version);

    STRUCT(tandem_plugin_descriptor_t);
    FIELD(tandem_plugin_descriptor_t, struct_size); FIELD(tandem_plugin_descriptor_t, abi_major);
    FIELD(tandem_plugin_descriptor_t, abi_minor); FIELD(tandem_plugin_descriptor_t, flags);
    FIELD(tandem_plugin_descriptor_t, reserved); FIELD(tandem_plugin_descriptor_t, id);
    FIELD(tandem_plugin_descriptor_t, name); FIELD(tandem_plugin_descriptor_t, version);
    FIELD(tandem_plugin_descriptor_t, runtime); FIELD(tandem_plugin_descriptor_t, capabilities_json);
    FIELD(tandem_plugin_descriptor_t, api);
    return 0;
}
