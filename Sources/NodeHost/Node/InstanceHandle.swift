/// A running plugin instance with its HTTP service and the configuration it
/// was created from (reload compares it to tell a changed instance).
struct InstanceHandle {
    let instance: PluginInstance
    let http: TrackerHTTPService
    let config: NodeConfig.Instance
}
