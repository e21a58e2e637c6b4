import TandemCLI

// Benchmarks measure speed and memory; unit tests never time anything.
// Build with `swift build -c release` and run `tandem-bench <name>`.
CommandLineTool(name: "tandem-bench", summary: "Tandem's benchmarks (build with -c release)",
                commands: foundationBenchmarks + httpBenchmarks + simBenchmarks + scriptBenchmarks + connectorBenchmarks + engineBenchmarks).run()
