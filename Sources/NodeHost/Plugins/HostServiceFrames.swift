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
                let answer: PluginFrame, json: JSON
                do throws(HostServiceError) {
                    answer = try ask(channel, "host.http", json: head.serialized(), blob: request.body)
                    json = try parsed(answer, "host.http")
                } catch {
                    return .failure(.unreachable(error.reason))
                }
                guard answer.status == TANDEM_STATUS_OK else {
                    let message = json["message"]?.stringValue ?? "http failed"
                    return .failure(answer.status == TANDEM_STATUS_INVALID ? .notAllowed(message) : .unreachable(message))
                }
                let headers = (json["headers"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
                return .success(HostHTTPResponse(status: json["status"]?.intValue ?? 0, headers: headers, body: answer.blob))
            },
            secret: { name throws(HostServiceError) in
                let answer = try ask(channel, "host.secret", json: JSON.object(["name": .string(name)]).serialized())
                switch answer.status {
                case TANDEM_STATUS_OK: return String(decoding: answer.blob, as: UTF8.self)
                case TANDEM_STATUS_NOT_FOUND: return nil
                default: throw HostServiceError("the node answered host.secret with status \(answer.status): \(String(decoding: answer.json, as: UTF8.self))")
                }
            },
            nowMs: {
                // The clock has no error path: when the node does not answer
                // (it is gone, so nothing this call computes reaches it), the
                // plugin host's own clock, on the same machine, stands in.
                do throws(HostServiceError) {
                    let answer = try ask(channel, "host.now_ms", json: [])
                    if let now = Int64(String(decoding: answer.json, as: UTF8.self)) { return now }
                } catch {}
                return Timestamp.now()
            })
    }

    /// One host-service request to the node; the channel's failure as the reason.
    private static func ask(_ channel: () -> FrameChannel?, _ operation: String, json: [UInt8],
                            blob: [UInt8] = []) throws(HostServiceError) -> PluginFrame {
        guard let channel = channel() else { throw HostServiceError("the node did not answer \(operation): no channel to it") }
        do throws(FrameChannel.Failure) {
            return try channel.request(operation, json: json, blob: blob)
        } catch {
            throw HostServiceError("the node did not answer \(operation): \(error == .closed ? "it closed the channel" : "timed out")")
        }
    }

    /// A frame's JSON part; empty means null.
    private static func parsed(_ frame: PluginFrame, _ operation: String) throws(HostServiceError) -> JSON {
        guard !frame.json.isEmpty else { return .null }
        do throws(JSONError) {
            return try JSON(parsing: frame.json)
        } catch {
            throw HostServiceError("malformed \(operation) frame: \(error)")
        }
    }

    /// The node's answer to a host-service request from the plugin host of `instance`; nil for a log line.
    func answer(_ frame: PluginFrame, instance: String) -> PluginFrame? {
        func failure(_ status: Int32, _ message: String) -> PluginFrame {
            PluginFrame(id: frame.id, kind: .response, status: status, json: JSON.object(["message": .string(message)]).serialized())
        }
        let json: JSON
        do throws(HostServiceError) {
            json = try Self.parsed(frame, frame.operation)
        } catch {
            guard frame.operation != "host.log" else {
                log(instance, 2, "dropped a host.log line from the plugin host: \(error)")
                return nil
            }
            return failure(TANDEM_STATUS_INVALID, error.reason)
        }
        switch frame.operation {
        case "host.log":
            log(instance, Int32(json["level"]?.intValue ?? 1), json["message"]?.stringValue ?? "")
            return nil
        case "host.now_ms":
            return PluginFrame(id: frame.id, kind: .response, json: Array(String(Timestamp.now()).utf8))
        case "host.secret":
            do throws(HostServiceError) {
                guard let value = try secret(json["name"]?.stringValue ?? "") else { return failure(TANDEM_STATUS_NOT_FOUND, "no such secret") }
                return PluginFrame(id: frame.id, kind: .response, blob: Array(value.utf8))
            } catch {
                return failure(TANDEM_STATUS_TRANSIENT, error.reason)
            }
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
