import PluginAPI
import TandemJSON
import TandemTime

/// Host services (log, http, secret, now_ms) carried as frames between a
/// plugin host and the node: `remote` is what the plugin host hands its
/// instance, `answer` is how the node serves it. One place for both ends of
/// each service, so the two cannot drift.
extension HostServices {
    /// Services that forward every call to the node over `channel`.
    static func remote(over channel: @escaping @Sendable () -> FrameChannel?) -> HostServices {
        HostServices(
            log: { _, level, message in
                channel()?.notify("host.log", json: JSON.object(["level": .int(Int64(level)), "message": .string(message)]).serialized())
            },
            http: { request in
                let head: JSON = ["method": .string(request.method), "url": .string(request.url),
                                  "headers": .object(request.headers.mapValues(JSON.string)), "timeoutMs": .int(Int64(request.timeoutMs))]
                guard let channel = channel(),
                      let answer = try? channel.request("host.http", json: head.serialized(), blob: request.body) else {
                    return .failure(.unreachable("the node is gone"))
                }
                let json = (try? JSON(parsing: answer.json)) ?? .null
                guard answer.status == TANDEM_STATUS_OK else {
                    let message = json["message"]?.stringValue ?? "http failed"
                    return .failure(answer.status == TANDEM_STATUS_INVALID ? .notAllowed(message) : .unreachable(message))
                }
                let headers = (json["headers"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
                return .success(HostHTTPResponse(status: json["status"]?.intValue ?? 0, headers: headers, body: answer.blob))
            },
            secret: { name in
                guard let answer = try? channel()?.request("host.secret", json: JSON.object(["name": .string(name)]).serialized()),
                      answer.status == TANDEM_STATUS_OK else { return nil }
                return String(decoding: answer.blob, as: UTF8.self)
            },
            nowMs: {
                guard let answer = try? channel()?.request("host.now_ms", json: []) else { return 0 }
                return Int64(String(decoding: answer.json, as: UTF8.self)) ?? 0
            })
    }

    /// The node's answer to a host-service request from the plugin host of `instance`; nil for a log line.
    func answer(_ frame: PluginFrame, instance: String) -> PluginFrame? {
        let json = (try? JSON(parsing: frame.json)) ?? .null
        func failure(_ status: Int32, _ message: String) -> PluginFrame {
            PluginFrame(id: frame.id, kind: .response, status: status, json: JSON.object(["message": .string(message)]).serialized())
        }
        switch frame.operation {
        case "host.log":
            log(instance, Int32(json["level"]?.intValue ?? 1), json["message"]?.stringValue ?? "")
            return nil
        case "host.now_ms":
            return PluginFrame(id: frame.id, kind: .response, json: Array(String(Timestamp.now()).utf8))
        case "host.secret":
            guard let value = secret(json["name"]?.stringValue ?? "") else { return failure(TANDEM_STATUS_NOT_FOUND, "no such secret") }
            return PluginFrame(id: frame.id, kind: .response, blob: Array(value.utf8))
        case "host.http":
            let request = HostHTTPRequest(method: json["method"]?.stringValue ?? "GET", url: json["url"]?.stringValue ?? "",
                                          headers: (json["headers"]?.objectValue ?? [:]).compactMapValues(\.stringValue),
                                          body: frame.blob, timeoutMs: UInt32(clamping: json["timeoutMs"]?.intValue ?? 0))
            switch http(request) {
            case .success(let response):
                let head: JSON = ["status": .int(Int64(response.status)), "headers": .object(response.headers.mapValues(JSON.string))]
                return PluginFrame(id: frame.id, kind: .response, json: head.serialized(), blob: response.body)
            case .failure(.notAllowed(let detail)): return failure(TANDEM_STATUS_INVALID, detail)
            case .failure(.unreachable(let detail)): return failure(TANDEM_STATUS_TRANSIENT, detail)
            }
        default:
            return failure(TANDEM_STATUS_UNSUPPORTED, "no host service '\(frame.operation)'")
        }
    }
}
