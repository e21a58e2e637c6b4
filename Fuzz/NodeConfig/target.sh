# The node configuration reader (a configuration file's bytes).
modules="TandemJSON"
sources="Sources/NodeHost/Config/*.swift"
