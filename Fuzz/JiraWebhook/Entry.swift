// libFuzzer entry for the Jira connector's `webhook.parse`, called through the
// plugin's C entry point with the input as the webhook body. Every input
// must end in OK or INVALID with a JSON body; a crash, a leak or any other
// status is a bug. Built by Fuzz/run.sh.
import PluginAPI
import JiraLike

private let plugin = FuzzedPlugin(entry: JiraLike.entry, config: """
    {"baseUrl": "http://127.0.0.1:1", "auth": {"type": "basic", "user": "sync", "password": "pw"}, "project": "SUP"}
    """)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJiraWebhook(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    fuzzWebhookParse(plugin, body: String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self))
    return 0
}
