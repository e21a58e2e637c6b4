// Test helpers that the demo and the benchmarks use too live in LocalDeployment.
@_exported import LocalDeployment
