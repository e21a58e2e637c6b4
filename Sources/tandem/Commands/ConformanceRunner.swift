import ConnectorContract
import Foundation
import NodeHost
import TandemJSON
import TandemDigest

/// The body of each check, run inside the child process.
struct ConformanceRunner {
    let check: ConformanceCheck
    let plugin: LoadedPlugin
    let setup: ConformanceSetup
    let fields: ConformanceFields
    let contract: ConnectorContract
    let token = String(UInt32.random(in: 0...UInt32.max), radix: 36)

    init(check: ConformanceCheck, plugin: LoadedPlugin, setup: ConformanceSetup, contract: ConnectorContract) {
        self.check = check
        self.plugin = plugin
        self.setup = setup
        self.contract = contract
        fields = ConformanceFields(pluginID: plugin.id, settings: setup.settings, token: token)
    }

    mutating func run() throws -> ConformanceOutcome {
        let name = check.rawValue
        switch check {
        case .describe: try describe()
        case .createGet: try createGet()
        case .update: try update()
        case .comment: try comment()
        case .attachment: try attachment()
        case .search: try search()
        case .searchCursor: try searchCursor()
        case .lookup: try lookup()
        case .errorKinds:
            guard setup.configuration["baseUrl"]?.stringValue != nil else {
                return .skip(name, "the configuration has no baseUrl to put a fault server in front of")
            }
            try errorKinds()
        case .threadSafety:
            guard plugin.isThreadSafe else { return .skip(name, "the plugin does not declare itself thread-safe") }
            try threadSafety()
        case .memory: try memory()
        case .match: try match()
        case .badCredential:
            guard let bad = setup.badCredentialConfiguration else {
                return .skip(name, "the configuration has no basic or bearer auth")
            }
            guard let operation = ["search", "get"].first(where: plugin.operations.contains) else {
                return .skip(name, "the plugin declares neither search nor get to try the credential with")
            }
            try badCredential(bad, operation: operation)
        case .unknownID: try unknownID()
        case .undeclaredOperation: try undeclaredOperation()
        }
        return .pass(name)
    }

    func expect(_ condition: Bool, _ reason: @autoclosure () -> String) throws {
        if !condition { throw ConformanceFailure(reason()) }
    }

    /// One call whose output must match the operation's schema in the contract.
    func call(_ instance: PluginInstance, _ operation: String, _ input: JSON = .object([:]), blob: [UInt8]? = nil) throws -> PluginOutput {
        let output = try instance.call(operation, input, blob: blob)
        let violations = contract.validateOutput(operation, output.json)
        guard violations.isEmpty else {
            throw ConformanceFailure("\(operation) output breaks the contract (\(operation).output.json): "
                + violations.prefix(3).map(\.description).joined(separator: "; "))
        }
        return output
    }

    private func describe() throws {
        let answer = try call(setup.instance(plugin), "describe").json
        try expect(answer.objectValue != nil, "describe did not answer a JSON object: \(answer.text)")
        try expect(answer["id"]?.stringValue == plugin.id, "describe id \(answer["id"]?.text ?? "missing") differs from the descriptor's '\(plugin.id)'")
        for key in ["name", "version"] {
            try expect(!(answer[key]?.stringValue ?? "").isEmpty, "describe has no '\(key)' string")
        }
        try expect(answer["runtime"]?.stringValue == plugin.runtime, "describe runtime \(answer["runtime"]?.text ?? "missing") differs from the descriptor's '\(plugin.runtime)'")
        let operations = answer["operations"]?.arrayValue?.compactMap(\.stringValue)
        try expect(operations == plugin.operations, "describe operations \(answer["operations"]?.text ?? "missing") differ from the descriptor's \(plugin.operations)")
        try expect(answer["threadSafe"]?.boolValue == plugin.isThreadSafe, "describe threadSafe \(answer["threadSafe"]?.text ?? "missing") differs from the descriptor flag \(plugin.isThreadSafe)")
    }

    /// Creates an entity with the create fields; returns its id.
    func createEntity(_ instance: PluginInstance, correlationID: String? = nil) throws -> String {
        var input: JSON = ["fields": .object(fields.create)]
        if let correlationID { input["correlationId"] = .string(correlationID) }
        let created = try call(instance, "create", input).json
        guard let id = created["id"]?.stringValue, !id.isEmpty else {
            throw ConformanceFailure("create answered without an \"id\": \(created.text)")
        }
        return id
    }

    /// Whether `read` is what was written: equal, or a `{"name"}`/`{"id"}` object naming it.
    private func matches(_ written: JSON, _ read: JSON?) -> Bool {
        guard let read else { return false }
        if written == read { return true }
        if let text = written.stringValue { return read["name"]?.stringValue == text || read["id"]?.stringValue == text }
        return false
    }

    private func compareFields(_ written: [String: JSON], entity: JSON, after step: String) throws {
        for (key, value) in written.sorted(by: { $0.key < $1.key }) {
            let read = entity["fields"]?[key]
            try expect(matches(value, read), "after \(step), get shows \(key) = \(read?.text ?? "nothing"), expected \(value.text)")
        }
    }

    private func createGet() throws {
        let instance = try setup.instance(plugin)
        let id = try createEntity(instance)
        let entity = try call(instance, "get", ["id": .string(id)]).json
        try expect(entity["id"]?.stringValue == id, "get of \(id) answered id \(entity["id"]?.text ?? "missing")")
        try compareFields(fields.create, entity: entity, after: "create")
    }

    private func update() throws {
        let instance = try setup.instance(plugin)
        let id = try createEntity(instance)
        _ = try call(instance, "update", ["id": .string(id), "fields": .object(fields.update)])
        try compareFields(fields.update, entity: try call(instance, "get", ["id": .string(id)]).json, after: "update")
    }

    private func comment() throws {
        let instance = try setup.instance(plugin)
        let id = try createEntity(instance)
        let body = "conformance comment \(UInt32.random(in: 0...UInt32.max))"
        let added = try call(instance, "comment.add", ["id": .string(id), "body": .string(body), "internal": false]).json
        guard let commentID = added["id"]?.stringValue, !commentID.isEmpty else {
            throw ConformanceFailure("comment.add answered without an \"id\": \(added.text)")
        }
        let comments = try call(instance, "get", ["id": .string(id)]).json["comments"]?.arrayValue ?? []
        guard let found = comments.first(where: { $0["id"]?.stringValue == commentID }) else {
            throw ConformanceFailure("get does not list comment \(commentID) (it lists \(comments.count))")
        }
        try expect(found["body"]?.stringValue == body, "comment \(commentID) reads back as \(found["body"]?.text ?? "nothing"), expected \"\(body)\"")
    }

    private func attachment() throws {
        let instance = try setup.instance(plugin)
        let id = try createEntity(instance)
        // Every byte value, twice, and a CRLF-boundary-looking line: binary must survive.
        let bytes = (0..<512).map { UInt8($0 % 256) } + Array("\r\n--boundary--\r\n".utf8) + (0..<3000).map { _ in UInt8.random(in: 0...255) }
        let put = try call(instance, "attachment.put", ["id": .string(id), "filename": "conformance.bin", "mimeType": "application/octet-stream"],
                                    blob: bytes).json
        guard let attachmentID = put["id"]?.stringValue, !attachmentID.isEmpty else {
            throw ConformanceFailure("attachment.put answered without an \"id\": \(put.text)")
        }
        let got = try call(instance, "attachment.get", ["id": .string(id), "attachmentId": .string(attachmentID)])
        let back = got.blob ?? []
        let sent = hex(Digest.sha256(bytes)), received = hex(Digest.sha256(back))
        try expect(sent == received, "attachment \(attachmentID) came back as \(back.count) bytes with SHA-256 \(received), sent \(bytes.count) bytes with \(sent)")
    }

    private func search() throws {
        let instance = try setup.instance(plugin)
        let id = try createEntity(instance)
        var cursor: JSON = .null
        // Follow the cursor as the node does: the new entity must show up.
        for _ in 0..<50 {
            let answer = try call(instance, "search", ["query": .string(fields.searchQuery), "cursor": cursor, "overlapSeconds": 60]).json
            guard let refs = answer["refs"]?.arrayValue else { throw ConformanceFailure("search answered without \"refs\": \(answer.text)") }
            if refs.contains(where: { $0["id"]?.stringValue == id }) { return }
            let next = answer["cursor"] ?? .null
            if next == cursor || refs.isEmpty { break }
            cursor = next
        }
        throw ConformanceFailure("search following its cursor from null never returned the new entity \(id)")
    }

    /// The node asks `match` before it sends an entity a poll did not find;
    /// an entity of the search query must match it.
    private func match() throws {
        if plugin.capabilities["webhookSignature"] != nil {
            do { _ = try WebhookSignature.declared(in: plugin.capabilities) } catch {
                throw ConformanceFailure("\(error)")
            }
        }
        let instance = try setup.instance(plugin)
        let id = try createEntity(instance)
        let answer = try instance.call("match", ["query": .string(fields.searchQuery), "id": .string(id)]).json
        try expect(answer["matches"] == true, "match of the new entity \(id) with the search query answered \(answer.text), expected {\"matches\": true}")
    }

    private func badCredential(_ configuration: JSON, operation: String) throws {
        let instance: PluginInstance
        do { instance = try setup.instance(plugin, configuration: configuration) } catch {
            try expect(error.kind == .auth, "with a wrong credential, instance creation failed as \(error), expected auth")
            return
        }
        let input: JSON = operation == "search" ? ["query": .string(fields.searchQuery), "cursor": nil, "limit": 1] : ["id": .string(fields.unknownID)]
        do {
            let answer = try instance.call(operation, input).json
            throw ConformanceFailure("\(operation) with a wrong credential succeeded: \(answer.text.prefix(200))")
        } catch let error as PluginCallError {
            try expect(error.kind == .auth, "\(operation) with a wrong credential failed as \(error), expected auth")
        }
    }

    private func unknownID() throws {
        do {
            let answer = try setup.instance(plugin).call("get", ["id": .string(fields.unknownID)]).json
            throw ConformanceFailure("get of unknown id \(fields.unknownID) succeeded: \(answer.text.prefix(200))")
        } catch let error as PluginCallError {
            try expect(error.kind == .notFound, "get of unknown id \(fields.unknownID) failed as \(error), expected not found")
        }
    }

    private func undeclaredOperation() throws {
        let candidates = ["attachment.list", "lookup", "comment.add", "user.find", "webhook.parse", "delete", "tandem.conformance.undeclared"]
        let operation = candidates.first { !plugin.operations.contains($0) } ?? "tandem.conformance.undeclared"
        do {
            _ = try setup.instance(plugin).call(operation, ["id": .string(fields.unknownID)])
            throw ConformanceFailure("the host let undeclared operation '\(operation)' through")
        } catch let error as PluginCallError {
            try expect(error.kind == .unsupported && error.message.contains("does not declare"),
                       "calling undeclared '\(operation)' failed as \(error), expected the host's refusal")
        }
    }

    private func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}
