// Benchmarks of this area; each is one file beside this one.
import TandemCLI

let foundationBenchmarks: [any Command.Type] = [
    ABIBenchmark.self,
]
