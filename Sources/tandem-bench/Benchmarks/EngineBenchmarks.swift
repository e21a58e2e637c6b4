// Benchmarks of this area; each is one file beside this one.
import TandemCLI

let engineBenchmarks: [any Command.Type] = [
    SyncBenchmark.self,
    HistoryBenchmark.self,
]
