// Benchmarks of this area; each is one file beside this one.
import TandemCLI

let simBenchmarks: [any Command.Type] = [
    SimScaleBenchmark.self,
]
