import Foundation

/// The progress line of `tandem sync --query` on stderr: redrawn in place on
/// a terminal, one line per change otherwise (logs, tests).
struct ProgressBar {
    let width = 30
    private let interactive = isatty(2) == 1
    private var last = ""

    /// `matched` may still grow while `searching`.
    mutating func show(synced: Int, parked: Int, pending: Int, matched: Int, searching: Bool, elapsed: Double) {
        let total = synced + parked + pending
        let filled = total == 0 ? (searching ? 0 : width) : min(width, (synced + parked) * width / total)
        let counts = "\(synced)/\(total) synced, \(parked) parked, \(pending) pending, \(matched) matched"
            + (searching ? " (searching)" : "")
        guard interactive || counts != last else { return }
        last = counts
        let bar = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]"
        let line = "\(bar) \(counts), \(Int(elapsed)) s"
        FileHandle.standardError.write(Data((interactive ? "\r" + line + "\u{1B}[K" : line + "\n").utf8))
    }

    /// Ends the redrawn line so the summary starts on its own.
    func finish() {
        if interactive { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
