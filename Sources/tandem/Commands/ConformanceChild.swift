import ConnectorContract
import Foundation
import NodeHost
import TandemJSON
#if canImport(Glibc)
import Glibc
#endif

/// The child side of `tandem plugins check`: runs one check and prints its
/// outcome as one JSON line. A plugin that crashes takes only this process down;
/// the parent reports the signal.
enum ConformanceChild {
    static func run(_ check: ConformanceCheck, setup: ConformanceSetup) -> ConformanceOutcome {
        // A crashing plugin is the expected case here: no core files.
        var limit = rlimit(rlim_cur: 0, rlim_max: 0)
        _ = getrlimit(Int32(RLIMIT_CORE.rawValue), &limit)
        limit.rlim_cur = 0
        _ = setrlimit(Int32(RLIMIT_CORE.rawValue), &limit)

        let name = check.rawValue
        let plugin: LoadedPlugin
        do { plugin = try setup.load() } catch { return .fail(name, error.description) }
        let missing = check.requiredOperations.filter { !plugin.operations.contains($0) }
        guard missing.isEmpty else {
            return .skip(name, "the plugin does not declare \(missing.joined(separator: ", "))")
        }
        let contract: ConnectorContract
        do { contract = try ConnectorContract.load(abiMajor: plugin.abiMajor) } catch { return .fail(name, error.description) }
        do {
            var runner = ConformanceRunner(check: check, plugin: plugin, setup: setup, contract: contract)
            return try runner.run()
        } catch let error as PluginCallError {
            return .fail(name, "\(error)")
        } catch let error as ConformanceFailure {
            return .fail(name, error.reason)
        } catch {
            return .fail(name, "\(error)")
        }
    }
}

/// A check's expectation that did not hold.
struct ConformanceFailure: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
