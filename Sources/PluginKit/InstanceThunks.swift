import PluginAPI
import TandemRuntime

// The C function table. These are non-capturing closures (C function
// pointers); the connector type comes from `ExportedPlugin.connectorType`, the
// instance from the opaque handle. Nothing throws across them: every Swift
// error becomes a status and an error body.

/// The handle the node holds for one instance.
final class InstanceBox {
    let connector: any Connector
    init(_ connector: any Connector) { self.connector = connector }
}

let createInstanceThunk: @convention(c) (
    UnsafePointer<tandem_host_t>?, UnsafePointer<UInt8>?, UInt64,
    UnsafeMutablePointer<UnsafeMutableRawPointer?>?, UnsafeMutablePointer<tandem_buffer_t>?
) -> tandem_status_t = { host, config, configSize, outInstance, outError in
    func refuse(_ error: ConnectorError) -> tandem_status_t {
        if let outError { OwnedBuffer.fill(&outError.pointee, with: error.body.serialized()) }
        return error.status
    }
    guard let host, let outInstance, let type = ExportedPlugin.connectorType else {
        return refuse(.internal("create_instance called without host, output or a loaded connector"))
    }
    let configuration: JSON
    do {
        configuration = try JSON(parsing: UnsafeBufferPointer(start: config, count: Int(configSize)))
    } catch {
        return refuse(.invalid("configuration is not valid JSON: \(error)"))
    }
    do throws(ConnectorError) {
        let connector = try type.init(configuration: configuration, host: ConnectorHost(host))
        outInstance.pointee = Unmanaged.passRetained(InstanceBox(connector)).toOpaque()
        return TANDEM_STATUS_OK
    } catch {
        return refuse(error)
    }
}

let destroyInstanceThunk: @convention(c) (UnsafeMutableRawPointer?) -> Void = { instance in
    guard let instance else { return }
    Unmanaged<InstanceBox>.fromOpaque(instance).release()
}

let callThunk: @convention(c) (
    UnsafeMutableRawPointer?, UnsafePointer<tandem_call_t>?, UnsafeMutablePointer<tandem_result_t>?
) -> tandem_status_t = { instance, call, result in
    guard let result else { return TANDEM_STATUS_INVALID }
    func finish(_ status: tandem_status_t, _ json: [UInt8], blob: [UInt8]? = nil) -> tandem_status_t {
        result.pointee.status = status
        OwnedBuffer.fill(&result.pointee.json, with: json)
        if let blob { OwnedBuffer.fill(&result.pointee.blob, with: blob) }
        return status
    }
    func fail(_ error: ConnectorError) -> tandem_status_t { finish(error.status, error.body.serialized()) }

    guard let instance, let call, let namePointer = call.pointee.operation else {
        return fail(.invalid("call without instance, call or operation name"))
    }
    let operation = String(cString: namePointer)
    let box = Unmanaged<InstanceBox>.fromOpaque(instance).takeUnretainedValue()
    if operation == "describe" { return finish(TANDEM_STATUS_OK, ExportedPlugin.describeBytes) }
    guard type(of: box.connector).operations.contains(operation) else {
        return fail(.unsupported("operation '\(operation)' is not implemented by \(type(of: box.connector).id)"))
    }
    let input: JSON
    if call.pointee.input_size == 0 {
        input = .object([:])
    } else {
        do {
            input = try JSON(parsing: UnsafeBufferPointer(start: call.pointee.input, count: Int(call.pointee.input_size)))
        } catch {
            return fail(.invalid("input of '\(operation)' is not valid JSON: \(error)"))
        }
    }
    let blob = call.pointee.blob.map { Array(UnsafeBufferPointer(start: $0, count: Int(call.pointee.blob_size))) }
    do throws(ConnectorError) {
        let output = try box.connector.perform(operation, OperationRequest(input: input, blob: blob))
        return finish(TANDEM_STATUS_OK, output.output.serialized(), blob: output.blob)
    } catch {
        return fail(error)
    }
}
