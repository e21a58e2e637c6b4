/// The Swift project: a package whose one dynamic library links PluginKit.
extension PluginScaffold {
    var swiftFiles: [(path: String, text: String)] {
        // A path dependency's identity is its folder name; a URL's, the repository name.
        let dependency: String, identity: String
        if let tandemURL {
            dependency = ".package(url: \"\(tandemURL)\", branch: \"main\")"
            identity = String((tandemURL.split(separator: "/").last ?? "tandem").replacingOccurrences(of: ".git", with: "")).lowercased()
        } else {
            dependency = ".package(path: \"\(tandemRoot)\")"
            identity = String(tandemRoot.split(separator: "/").last ?? "tandem").lowercased()
        }
        return [
            ("Package.swift", """
            // swift-tools-version:6.0
            // A Tandem connector plugin. `make` builds build/\(libraryName); `make install`
            // puts it into PLUGINS_DIR; `tandem plugins check` judges it.
            import PackageDescription

            let package = Package(
                name: "\(moduleName)",
                products: [.library(name: "\(moduleName)", type: .dynamic, targets: ["\(moduleName)"])],
                dependencies: [\(dependency)],
                targets: [
                    .target(
                        name: "\(moduleName)",
                        dependencies: [.product(name: "PluginKit", package: "\(identity)")],
                        // Never unloaded (the Swift runtime keeps pointers into the image),
                        // and only tandem_plugin_entry exported.
                        linkerSettings: [.unsafeFlags([
                            "-Xlinker", "-z", "-Xlinker", "nodelete",
                            "-Xlinker", "--version-script=\\(Context.packageDirectory)/plugin.exports",
                        ])]),
                ]
            )

            """),
            ("plugin.exports", Self.exportsScript),
            ("Sources/\(moduleName)/\(moduleName)Connector.swift", """
            import PluginKit

            /// The connector `\(id)`. Start here: `get` reads one item; add the
            /// operations your connections need (docs/connector-guide.md in Tandem
            /// lists them and their JSON) and list them in `operationTable`.
            ///
            /// Configuration: {"baseUrl", "auth": {"type": "basic"|"bearer", …}}.
            final class \(moduleName)Connector: Connector {
                static let id = "\(id)"                 // never change it once published
                static let name = "\(moduleName)"
                static let version = "0.1.0"
                static let operationTable = OperationTable<\(moduleName)Connector>([
                    ("get", .json(\(moduleName)Connector.get)),
                ])
                static let isThreadSafe = true          // no shared mutable state below
                static let configurationKeys = ["baseUrl", "auth"]

                /// Where the tracker serves one item: replace with your tracker's path.
                static let itemPath = "/api/items/"

                let config: ConnectorConfiguration
                let host: ConnectorHost

                init(configuration json: JSON, host: ConnectorHost) throws(ConnectorError) {
                    config = try ConnectorConfiguration(json, host: host)
                    self.host = host
                }

                /// `get` {"id"} → the entity. HTTP errors map uniformly (404 → notFound, …).
                func get(_ request: OperationRequest) throws(ConnectorError) -> JSON {
                    let id = try request.entityReference(for: "get")
                    let item = try host.sendJSON("get", "GET", URLEncoding.url(Self.itemPath + URLEncoding.component(id), []),
                                                 headers: ["Authorization": config.auth.headerValue],
                                                 trackerMessage: { responseSnippet($0.body) })
                    let updated = item["updated"]?.stringValue.flatMap(Timestamp.parse) ?? host.nowMs()
                    return ["id": .string(id), "key": item["key"] ?? .null, "updated": .string(Timestamp.iso(updated)),
                            "fields": item["fields"] ?? [:], "comments": [], "attachments": []]
                }
            }

            @_cdecl("tandem_plugin_entry") public func entry(_ h: HostInfoPointer?, _ d: DescriptorOut?) -> Int32 {
                exportConnector(\(moduleName)Connector.self, h, d)
            }

            """),
            ("Makefile", """
            # `make` builds build/\(libraryName); `make install PLUGINS_DIR=…` installs it.
            SWIFT       ?= swift
            PLUGINS_DIR ?= plugins.d

            all: build/\(libraryName)

            build/\(libraryName): Package.swift plugin.exports $(wildcard Sources/*/*.swift)
            \t$(SWIFT) build --product \(moduleName)
            \tmkdir -p build
            \tcp "$$($(SWIFT) build --show-bin-path)/\(libraryName)" build/.\(libraryName).tmp
            \tmv -f build/.\(libraryName).tmp build/\(libraryName)

            \(installRule)
            clean:
            \trm -rf .build build

            .PHONY: all install clean

            """),
            (".gitignore", ".build/\nbuild/\nPackage.resolved\n"),
        ]
    }
}
