import Foundation
import TandemJSON

extension NodeConfig {
    /// Keys whose string values inside an instance's `config` are secrets.
    public static let secretKeys: Set<String> = ["password", "token", "secret", "apiKey", "clientSecret", "webhookSecret"]

    /// Every configured secret: the admin token, the peer secrets, and the
    /// instance config values under `secretKeys`. Logs and the console
    /// replace each of them by `***` wherever it appears.
    public var secretValues: [String] {
        var values = [node.adminToken] + connections.values.map(\.peer.secret) + instances.values.compactMap(\.webhookSecret)
        func collect(_ json: JSON, key: String) {
            switch json {
            case .object(let members): for (name, value) in members { collect(value, key: name) }
            case .array(let items): items.forEach { collect($0, key: key) }
            case .string(let text) where Self.secretKeys.contains(key): values.append(text)
            default: break
            }
        }
        instances.values.forEach { collect($0.config, key: "") }
        return values.filter { !$0.isEmpty }
    }

    /// The running configuration as JSON with every secret replaced by `***`
    /// (also where a secret appears inside another string, e.g. a URL).
    public var masked: JSON {
        let secrets = secretValues.sorted { $0.count > $1.count }
        func mask(_ json: JSON) -> JSON {
            switch json {
            case .string(let text):
                var masked = text
                for secret in secrets { masked = masked.replacingOccurrences(of: secret, with: "***") }
                return .string(masked)
            case .array(let items): return .array(items.map(mask))
            case .object(let members): return .object(members.mapValues(mask))
            default: return json
            }
        }
        let instancesJSON: [String: JSON] = instances.mapValues { instance in
            [
                "plugin": .string(instance.plugin), "config": instance.config, "timeoutMs": .int(Int64(instance.timeoutMs)),
                "maxRequestsPerSecond": instance.maxRequestsPerSecond.map(JSON.double) ?? .null,
            ]
        }
        let connectionsJSON: [String: JSON] = connections.mapValues { connection in
            [
                "instance": .string(connection.instance),
                "peer": ["url": .string(connection.peer.url), "secret": .string(connection.peer.secret)],
                "trigger": [
                    "query": .string(connection.trigger.query), "webhook": .bool(connection.trigger.webhook),
                    "pollSeconds": connection.trigger.pollSeconds.map(JSON.double) ?? .null,
                    "overlapSeconds": .double(connection.trigger.overlapSeconds),
                ],
                "outgoing": .string(connection.outgoingScript), "incoming": .string(connection.incomingScript),
                "conflicts": [
                    "default": .string(connection.conflicts.default.rawValue),
                    "fields": .object(connection.conflicts.fields.mapValues { .string($0.rawValue) }),
                ],
                "enabled": .bool(connection.enabled), "workers": .int(Int64(connection.workers)),
                "maxAttachmentBytes": .int(Int64(connection.maxAttachmentBytes)),
            ]
        }
        return mask([
            "node": [
                "name": .string(node.name), "listen": .string("\(node.host):\(node.port)"), "dataDir": .string(node.dataDir),
                "adminToken": .string(node.adminToken),
                "history": [
                    "enabled": .bool(node.history.enabled), "maxEventsPerEntity": .int(Int64(node.history.maxEventsPerEntity)),
                    "maxAgeDays": .double(node.history.maxAgeDays),
                ],
            ],
            "pluginsDir": .string(pluginsDir),
            "instances": .object(instancesJSON),
            "connections": .object(connectionsJSON),
        ])
    }
}
