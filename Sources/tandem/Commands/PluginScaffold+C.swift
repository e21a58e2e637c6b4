/// The C project: one source file, the C SDK and cJSON, a Makefile.
extension PluginScaffold {
    var cFiles: [(path: String, text: String)] {
        let source = id.replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: ".", with: "_")
        return [
            ("Makefile", """
            # `make` builds build/\(libraryName); `make install PLUGINS_DIR=…` installs it.
            # Needs a C compiler and Debian's cJSON: apt-get install -y libcjson-dev
            CC          ?= cc
            CFLAGS      ?= -O2 -g
            TANDEM      ?= \(tandemRoot)
            PLUGINS_DIR ?= plugins.d
            HEADERS      = $(TANDEM)/Sources/PluginAPI/include
            SDK          = $(TANDEM)/Sources/PluginAPI/sdk
            WARN         = -std=c11 -Wall -Wextra -pedantic -Werror -Werror=implicit-function-declaration

            all: build/\(libraryName)

            build/\(libraryName): \(source).c $(SDK)/tandem_sdk.c $(SDK)/tandem_sdk.h
            \t@dpkg -s libcjson-dev >/dev/null 2>&1 || { echo "libcjson-dev is missing: run  apt-get install -y libcjson-dev" >&2; exit 1; }
            \tmkdir -p build
            \t$(CC) $(WARN) $(CFLAGS) -fPIC -fvisibility=hidden -I$(HEADERS) -I$(SDK) -shared -o build/.\(libraryName).tmp \(source).c $(SDK)/tandem_sdk.c -lcjson
            \tmv -f build/.\(libraryName).tmp build/\(libraryName)

            \(installRule)
            clean:
            \trm -rf build

            .PHONY: all install clean

            """),
            ("\(source).c", """
            /*
             * \(id): a Tandem connector in C. Start here: `get` reads one item;
             * add the operations your connections need (docs/connector-guide.md
             * in Tandem lists them and their JSON) and list them in OPERATIONS.
             *
             * Configuration: {"baseUrl", "auth": {"type": "bearer", "token"}}.
             * Threads: declared thread-safe; the instance is read-only after
             * create_instance. Memory: buffers handed to the node carry
             * tandem_sdk_release.
             */
            #define _POSIX_C_SOURCE 200809L
            #include <tandem/tandem.h>
            #include <tandem_sdk.h>

            #include <cjson/cJSON.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>

            #define PLUGIN_ID "\(id)"
            #define OPERATIONS "[\\"describe\\",\\"get\\"]"
            /* Where the tracker serves one item: replace with your tracker's path. */
            #define ITEM_PATH "/api/items/"

            typedef struct {
                const tandem_host_t *host;
                char authorization[1024];
            } connector;

            static const char describe_json[] =
                "{\\"id\\":\\"" PLUGIN_ID "\\",\\"name\\":\\"\(moduleName)\\",\\"version\\":\\"0.1.0\\",\\"runtime\\":\\"c\\","
                "\\"operations\\":" OPERATIONS ",\\"configuration\\":[\\"baseUrl\\",\\"auth\\"],\\"threadSafe\\":true}";

            /* get {"id"} -> the entity. One GET; HTTP errors map uniformly. */
            static tandem_status_t op_get(connector *self, const cJSON *input, tandem_result_t *result) {
                const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(input, "id"));
                if (!id || !*id) return tandem_sdk_fail(result, TANDEM_STATUS_INVALID, "get: needs \\"id\\"");
                char *encoded = tandem_sdk_url_encode(id);
                char url[2048], headers[1200];
                snprintf(url, sizeof url, "%s%s", ITEM_PATH, encoded ? encoded : "");
                free(encoded);
                cJSON *header = cJSON_CreateObject();
                cJSON_AddStringToObject(header, "Authorization", self->authorization);
                cJSON_AddStringToObject(header, "Accept", "application/json");
                char *header_text = cJSON_PrintUnformatted(header);
                cJSON_Delete(header);
                snprintf(headers, sizeof headers, "%s", header_text ? header_text : "{}");
                free(header_text);

                tandem_http_request_t request = {sizeof request, 0, "GET", url, headers, NULL, 0};
                tandem_http_response_t response = {0};
                response.struct_size = sizeof response;
                tandem_buffer_t error = {0};
                error.struct_size = sizeof error;
                tandem_status_t status = self->host->http(self->host, &request, &response, &error);
                if (status != TANDEM_STATUS_OK) {
                    if (error.release) error.release(&error);
                    return tandem_sdk_fail(result, status, "get: the tracker could not be reached");
                }
                if (response.http_status < 200 || response.http_status >= 300) {
                    cJSON *answer_headers = cJSON_ParseWithLength((const char *)response.headers_json.data, (size_t)response.headers_json.size);
                    status = tandem_sdk_fail_http(result, "get", response.http_status, response.body.data, response.body.size,
                                                  cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(answer_headers, "retry-after")));
                    cJSON_Delete(answer_headers);
                } else {
                    cJSON *item = cJSON_ParseWithLength((const char *)response.body.data, (size_t)response.body.size);
                    char updated[25];
                    int64_t ms = 0;
                    const char *tracker_time = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(item, "updated"));
                    if (!tracker_time || tandem_sdk_parse_iso8601(tracker_time, &ms) != 0) ms = self->host->now_ms(self->host);
                    tandem_sdk_iso8601(ms, updated);
                    cJSON *entity = cJSON_CreateObject();
                    cJSON_AddStringToObject(entity, "id", id);
                    cJSON_AddStringToObject(entity, "updated", updated);
                    cJSON *fields = cJSON_DetachItemFromObjectCaseSensitive(item, "fields");
                    cJSON_AddItemToObject(entity, "fields", fields ? fields : cJSON_CreateObject());
                    cJSON_AddItemToObject(entity, "comments", cJSON_CreateArray());
                    cJSON_AddItemToObject(entity, "attachments", cJSON_CreateArray());
                    cJSON_Delete(item);
                    status = tandem_sdk_ok(result, entity);
                }
                if (response.headers_json.release) response.headers_json.release(&response.headers_json);
                if (response.body.release) response.body.release(&response.body);
                return status;
            }

            static tandem_status_t create_instance(const tandem_host_t *host, const uint8_t *config_json, uint64_t config_size,
                                                   void **out_instance, tandem_buffer_t *out_error) {
                cJSON *config = tandem_sdk_parse_object(config_json, config_size);
                const cJSON *auth = cJSON_GetObjectItemCaseSensitive(config, "auth");
                const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(auth, "type"));
                connector *self = calloc(1, sizeof *self);
                if (!self) { cJSON_Delete(config); return tandem_sdk_fail_buffer(out_error, TANDEM_STATUS_INTERNAL, "out of memory"); }
                self->host = host;
                if (type && strcmp(type, "bearer") == 0 && cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(auth, "token"))) {
                    snprintf(self->authorization, sizeof self->authorization, "Bearer %s",
                             cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(auth, "token")));
                } else if (type && strcmp(type, "basic") == 0) {
                    const char *user = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(auth, "user"));
                    const char *password = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(auth, "password"));
                    char pair[512];
                    snprintf(pair, sizeof pair, "%s:%s", user ? user : "", password ? password : "");
                    char *encoded = tandem_sdk_base64_encode((const uint8_t *)pair, strlen(pair));
                    snprintf(self->authorization, sizeof self->authorization, "Basic %s", encoded ? encoded : "");
                    free(encoded);
                } else {
                    free(self);
                    cJSON_Delete(config);
                    return tandem_sdk_fail_buffer(out_error, TANDEM_STATUS_INVALID, "configuration key 'auth' needs type basic or bearer");
                }
                cJSON_Delete(config);
                *out_instance = self;
                return TANDEM_STATUS_OK;
            }

            static void destroy_instance(void *instance) { free(instance); }

            static tandem_status_t call(void *instance, const tandem_call_t *call_info, tandem_result_t *result) {
                if (strcmp(call_info->operation, "describe") == 0) {
                    result->status = TANDEM_STATUS_OK;
                    return tandem_sdk_give(&result->json, describe_json, sizeof describe_json - 1) == 0
                        ? TANDEM_STATUS_OK : tandem_sdk_fail(result, TANDEM_STATUS_INTERNAL, "out of memory");
                }
                cJSON *input = tandem_sdk_parse_object(call_info->input, call_info->input_size);
                if (!input) return tandem_sdk_fail(result, TANDEM_STATUS_INVALID, "input must be a JSON object");
                tandem_status_t status = strcmp(call_info->operation, "get") == 0
                    ? op_get(instance, input, result)
                    : tandem_sdk_fail(result, TANDEM_STATUS_UNSUPPORTED, "unknown operation");
                cJSON_Delete(input);
                return status;
            }

            static const tandem_plugin_api_t api = {sizeof(tandem_plugin_api_t), 0, create_instance, destroy_instance, call};

            static const tandem_plugin_descriptor_t descriptor = {
                sizeof(tandem_plugin_descriptor_t), TANDEM_ABI_MAJOR, TANDEM_ABI_MINOR, TANDEM_PLUGIN_THREAD_SAFE, 0,
                PLUGIN_ID, "\(moduleName)", "0.1.0", "c", "{\\"operations\\":" OPERATIONS "}", &api,
            };

            TANDEM_EXPORT tandem_status_t tandem_plugin_entry(const tandem_host_info_t *host,
                                                              const tandem_plugin_descriptor_t **out_descriptor) {
                if (!host || !out_descriptor) return TANDEM_STATUS_INVALID;
                if (host->abi_major_min > TANDEM_ABI_MAJOR || host->abi_major_max < TANDEM_ABI_MAJOR) return TANDEM_STATUS_UNSUPPORTED;
                *out_descriptor = &descriptor;
                return TANDEM_STATUS_OK;
            }

            """),
            (".gitignore", "build/\n"),
        ]
    }
}
