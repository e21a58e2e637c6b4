// Benchmarks of this area; each is one file beside this one.
import TandemCLI

let connectorBenchmarks: [any Command.Type] = [
    ConnectorBenchmark.self,
]
