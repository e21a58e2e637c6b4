# The ServiceNow connector's webhook.parse, through the plugin entry point.
modules="TandemRuntime TandemJSON TandemTime PluginKit ServiceNowLike"
sources="Fuzz/Shared/PluginCall.swift"
