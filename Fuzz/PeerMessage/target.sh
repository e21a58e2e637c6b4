# The peer message decoder (a batch body from a peer).
modules="TandemJSON"
sources="Sources/NodeHost/Protocol/*.swift"
