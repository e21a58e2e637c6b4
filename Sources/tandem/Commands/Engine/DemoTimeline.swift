import Foundation
import TandemCLI

/// Plays demo steps one after the other and prints the timeline as it goes:
/// step, where it was made, where it landed, milliseconds from the action to
/// the first read of the other tracker that saw it. A step that waits over a
/// second prints a dot per second, so a slow step shows it is alive.
struct DemoTimeline {
    /// Called between steps (not timed): waits until both nodes are idle, so
    /// each step starts from a settled state and is measured alone.
    let settle: () -> Void
    /// How often the other tracker is read while waiting.
    var pollSeconds = 0.01

    static let header = "  #  STEP                              MADE IN      SEEN IN      ITEM        RESULT"

    func play(_ steps: [DemoStep]) -> [DemoOutcome] {
        printNow(Self.header)
        var outcomes: [DemoOutcome] = []
        for (index, step) in steps.enumerated() {
            if outcomes.last?.held == false {
                printNow(line(index, step, item: "-") + "skipped (an earlier step failed)")
                outcomes.append(DemoOutcome(step: step, milliseconds: nil, detail: "skipped"))
                continue
            }
            settle()
            outcomes.append(run(step, index: index))
        }
        return outcomes
    }

    private func run(_ step: DemoStep, index: Int) -> DemoOutcome {
        do { try step.setup?() } catch {
            printNow(line(index, step, item: "-") + "✗ the preparation failed: \(error)")
            return DemoOutcome(step: step, milliseconds: nil, detail: "preparation failed: \(error)")
        }
        let start = DispatchTime.now().uptimeNanoseconds
        func elapsedMs() -> Int { Int((DispatchTime.now().uptimeNanoseconds - start) / 1_000_000) }
        let item: String
        do { item = try step.act() } catch {
            printNow(line(index, step, item: "-") + "✗ the action failed: \(error)")
            return DemoOutcome(step: step, milliseconds: nil, detail: "action failed: \(error)")
        }
        write(line(index, step, item: item))
        var dots = 0
        var lastError = ""
        while true {
            let elapsed = elapsedMs()
            do {
                if let seen = try step.landed() {
                    let milliseconds = elapsedMs()
                    printNow((dots > 0 ? " " : "") + "✓ \(pad(String(milliseconds), 6, left: true)) ms  \(seen)")
                    return DemoOutcome(step: step, milliseconds: milliseconds, detail: seen)
                }
            } catch {
                lastError = " (last read: \(error))"
            }
            if Double(elapsed) / 1000 > step.timeoutSeconds {
                printNow(" ✗ not seen in \(step.to) after \(Int(step.timeoutSeconds)) s\(lastError)")
                return DemoOutcome(step: step, milliseconds: nil, detail: "not seen in \(step.to)\(lastError)")
            }
            if elapsed / 1000 > dots {
                dots += 1
                write(".")
            }
            Thread.sleep(forTimeInterval: pollSeconds)
        }
    }

    private func line(_ index: Int, _ step: DemoStep, item: String) -> String {
        "  " + pad(String(index + 1), 2, left: true) + " " + pad(step.title, 33) + " " + pad(step.from, 12) + " "
            + pad(step.to, 12) + " " + pad(item, 11) + " "
    }

    private func write(_ text: String) {
        _ = text.withCString { Glibc.write(1, $0, strlen($0)) }
    }
}

func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
    let gap = String(repeating: " ", count: max(0, width - text.count))
    return left ? gap + text : text + gap
}
