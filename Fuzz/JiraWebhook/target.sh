# The Jira connector's webhook.parse, through the plugin entry point.
modules="TandemRuntime TandemJSON TandemTime PluginKit JiraLike"
sources="Fuzz/Shared/PluginCall.swift"
