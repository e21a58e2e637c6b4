// libFuzzer entry for the configuration reader: the bytes of a node's
// configuration file through `NodeConfig.parse(bytes:…)`, environment
// expansion included. Every input must end in a configuration or a
// `ConfigError` naming a JSON path. Built by Fuzz/run.sh.
import TandemJSON

private let environment = ["ADMIN": "admin-token-0123456789", "SECRET": "shared-secret-0123456789", "PW": "pw"]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNodeConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    do {
        let config = try NodeConfig.parse(bytes: Array(UnsafeBufferPointer(start: data, count: size)), named: "fuzz.json",
                                          baseDirectory: "/etc/tandem", environment: environment)
        _ = (config.node.port, config.connections.count)
    } catch {
        guard error.path.hasPrefix("$") else { fatalError("config error without a JSON path: \(error)") }
    }
    return 0
}
