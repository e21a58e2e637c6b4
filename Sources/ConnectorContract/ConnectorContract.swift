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

    /// Reads the schemas of `abiMajor` from the bundled resources.
    public static func load(abiMajor: Int = 1) throws(ContractError) -> ConnectorContract {
        guard let root = Bundle.module.resourcePath else { throw ContractError("the contract resources are not installed") }
        return try load(folder: root + "/schemas/abi-\(abiMajor)", abiMajor: abiMajor)
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
