import Foundation
import TandemJSON

/// The connector contract of one ABI major: a JSON Schema for each
/// operation's input and output, and one for error bodies.
///
/// The schema files live beside this source in `schemas/abi-<major>/`
/// (`get.input.json`, `get.output.json`, …, `error.json`, `defs.json` for the
/// shared shapes) and ship with the executable as a resource.
public struct ConnectorContract: Sendable {
    public let abiMajor: Int
    public let schemas: SchemaSet

    /// The resource folder SwiftPM builds beside the executable.
    static let resourceFolder = "Tandem_ConnectorContract.resources"

    /// Reads the schemas of `abiMajor` from where they are installed: the
    /// folder `TANDEM_CONTRACT_DIR` names, else the resources beside the
    /// executable (`swift build` puts them there; an installer copies them
    /// along), else `../share/tandem/schemas` relative to it.
    ///
    /// Not `Bundle.module`: its accessor stops the process when the resources
    /// are missing, and a missing file deserves an error saying what to do.
    public static func load(abiMajor: Int = 1) throws(ContractError) -> ConnectorContract {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let folder = URL(fileURLWithPath: executable).deletingLastPathComponent().path
        var candidates = [folder + "/" + resourceFolder + "/schemas", folder + "/../share/tandem/schemas"]
        if let configured = ProcessInfo.processInfo.environment["TANDEM_CONTRACT_DIR"] { candidates.insert(configured, at: 0) }
        let version = "abi-\(abiMajor)"
        guard let root = candidates.first(where: { FileManager.default.fileExists(atPath: $0 + "/" + version) }) else {
            throw ContractError("the connector contract schemas (\(version)) are not installed; looked in \(candidates.joined(separator: ", ")). "
                + "Copy .build/<config>/\(resourceFolder) beside the tandem executable, or set TANDEM_CONTRACT_DIR")
        }
        return try load(folder: root + "/" + version, abiMajor: abiMajor)
    }

    /// Reads every `*.json` in `folder`.
    public static func load(folder: String, abiMajor: Int) throws(ContractError) -> ConnectorContract {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json") } } catch {
            throw ContractError("cannot read the contract schemas in \(folder): \(error.localizedDescription)")
        }
        var documents: [String: JSON] = [:]
        for name in names {
            guard let data = FileManager.default.contents(atPath: folder + "/" + name) else {
                throw ContractError("cannot read schema \(folder)/\(name)")
            }
            do { documents[name] = try JSON(parsing: [UInt8](data)) } catch {
                throw ContractError("schema \(folder)/\(name) is not JSON: \(error)")
            }
        }
        return ConnectorContract(abiMajor: abiMajor, schemas: SchemaSet(documents: documents))
    }

    /// Whether the contract defines `operation`.
    public func defines(_ operation: String) -> Bool { schemas.documents[operation + ".output.json"] != nil }

    /// Violations of `operation`'s output schema (none for an operation the contract does not define).
    public func validateOutput(_ operation: String, _ output: JSON) -> [SchemaViolation] {
        defines(operation) ? schemas.validate(output, against: operation + ".output.json") : []
    }

    /// Violations of `operation`'s input schema.
    public func validateInput(_ operation: String, _ input: JSON) -> [SchemaViolation] {
        schemas.documents[operation + ".input.json"] == nil ? [] : schemas.validate(input, against: operation + ".input.json")
    }

    /// Violations of the error body schema.
    public func validateError(_ body: JSON) -> [SchemaViolation] { schemas.validate(body, against: "error.json") }
}

/// The contract schemas could not be read.
public struct ContractError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
