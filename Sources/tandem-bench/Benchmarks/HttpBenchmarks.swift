// Benchmarks of this area; each is one file beside this one.
import TandemCLI

let httpBenchmarks: [any Command.Type] = [
    HttpBenchmark.self,
]
