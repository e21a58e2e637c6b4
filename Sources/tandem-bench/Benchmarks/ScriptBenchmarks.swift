// Benchmarks of this area; each is one file beside this one.
import TandemCLI

let scriptBenchmarks: [any Command.Type] = [
    ScriptOutgoingBenchmark.self,
]
