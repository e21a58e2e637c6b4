import NodeHost
import TandemJSON

/// The conformance suite of `tandem plugins check`, one case per check.
///
/// Each check runs alone in a child process (`ConformanceChild`), creates what
/// it needs (its own entity), and concludes pass, fail, or skip when the
/// plugin does not declare what the check needs.
enum ConformanceCheck: String, CaseIterable, Sendable {
    case describe
    case createGet = "create-get"
    case update
    case comment
    case attachment
    case search
    case searchCursor = "search-cursor"
    case lookup
    case errorKinds = "error-kinds"
    case match
    case badCredential = "bad-credential"
    case unknownID = "unknown-id"
    case undeclaredOperation = "undeclared-operation"
    case threadSafety = "thread-safety"
    case memory

    /// What the check verifies, for `--help` and the guide.
    var summary: String {
        switch self {
        case .describe: return "describe answers id, name, version, runtime, operations, threadSafe, matching the descriptor"
        case .createGet: return "create, then get returns the fields written"
        case .update: return "update changes the fields, as get shows"
        case .comment: return "comment.add returns an id that get lists with the same body"
        case .attachment: return "attachment.put then attachment.get returns bytes with the same SHA-256"
        case .search: return "search, following its cursor, finds a newly created entity"
        case .searchCursor: return "from a saved cursor: the overlap honoured, later changes found, the cursor never null after refs nor moving back"
        case .lookup: return "lookup finds what create made with a correlationId; an unknown one is not found"
        case .errorKinds: return "tracker answers 400/401/404/409/422/429/500/503 (from a fault server) map to their error kinds"
        case .threadSafety: return "with threadSafe, 64 concurrent gets answer what serial gets answered"
        case .memory: return "resident memory grows by less than 24 MB over 10,000 calls"
        case .match: return "match says a newly created entity matches the search query; a declared webhookSignature uses a known scheme"
        case .badCredential: return "a wrong password or token maps to auth"
        case .unknownID: return "get of an id that does not exist maps to not found"
        case .undeclaredOperation: return "an operation the plugin does not declare is refused by the host"
        }
    }

    /// Operations the check needs the plugin to declare.
    var requiredOperations: [String] {
        switch self {
        case .describe, .undeclaredOperation: return []
        case .createGet, .update: return ["create", "get"] + (self == .update ? ["update"] : [])
        case .comment: return ["create", "get", "comment.add"]
        case .attachment: return ["create", "attachment.put", "attachment.get"]
        case .search, .searchCursor: return ["create", "search"]
        case .lookup: return ["create", "lookup"]
        case .match: return ["create", "match"]
        case .badCredential: return []
        case .unknownID, .errorKinds, .threadSafety, .memory: return ["get"]
        }
    }
}

extension ConformanceCheck {
    /// How long the check's process may run before it is killed.
    var timeoutSeconds: Double { self == .memory ? 600 : 120 }
}

/// The fields the checker writes, by plugin: the tracker's own title field.
struct ConformanceFields {
    let create: [String: JSON]
    let update: [String: JSON]
    let searchQuery: String
    let unknownID: String

    init(pluginID: String, settings: JSON, token: String) {
        let title = pluginID == "servicenow-like" ? "short_description" : "summary"
        create = settings["createFields"]?.objectValue
            ?? [title: .string("tandem conformance \(token)"), "description": "written by tandem plugins check"]
        update = settings["updateFields"]?.objectValue ?? [title: .string("tandem conformance \(token) (updated)")]
        searchQuery = settings["searchQuery"]?.stringValue ?? ""
        unknownID = settings["unknownId"]?.stringValue ?? "999999999"
    }
}
