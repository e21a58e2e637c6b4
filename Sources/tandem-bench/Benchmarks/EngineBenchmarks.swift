// Benchmarks of this area; each is one file beside this one.
import TandemCLI

let engineBenchmarks: [any Command.Type] = [
    SyncBenchmark.self,
    ScaleBenchmark.self,
    HistoryBenchmark.self,
]
