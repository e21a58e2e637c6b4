/*
 * Compile-time checks of the ABI's invariants, built with the package so that
 * a layout mistake fails the build. The committed golden layout table is
 * checked by Tests/PluginAPITests as well.
 */
#include "tandem/tandem.h"

#define TANDEM_ASSERT_FIRST(type) \
    _Static_assert(offsetof(type, struct_size) == 0, #type " must start with struct_size")

TANDEM_ASSERT_FIRST(tandem_buffer_t);
TANDEM_ASSERT_FIRST(tandem_http_request_t);
TANDEM_ASSERT_FIRST(tandem_http_response_t);
TANDEM_ASSERT_FIRST(tandem_host_t);
TANDEM_ASSERT_FIRST(tandem_call_t);
TANDEM_ASSERT_FIRST(tandem_result_t);
TANDEM_ASSERT_FIRST(tandem_plugin_api_t);
TANDEM_ASSERT_FIRST(tandem_host_info_t);
TANDEM_ASSERT_FIRST(tandem_plugin_descriptor_t);

_Static_assert(sizeof(tandem_status_t) == 4, "status is int32_t");
#if UINTPTR_MAX == 0xFFFFFFFFFFFFFFFFu
_Static_assert(sizeof(tandem_plugin_descriptor_t) == 64, "descriptor v1.0 is 64 bytes on LP64");
#endif
