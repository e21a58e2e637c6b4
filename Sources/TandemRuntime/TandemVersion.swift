/// The version of this Tandem build (semantic versioning).
public let tandemVersion = "0.1.0"
