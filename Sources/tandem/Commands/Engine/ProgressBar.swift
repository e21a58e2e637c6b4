import Foundation

/// A one-line progress bar on stderr. On a terminal it redraws in place;
/// otherwise (a log, a test) it writes a line only when the counts change.
struct ProgressBar {
    let total: Int
    let width = 30
    private let interactive = isatty(2) == 1
    private var last = ""

    init(total: Int) { self.total = total }

    mutating func show(done: Int, parked: Int, elapsed: Double) {
        let filled = total == 0 ? width : min(width, (done + parked) * width / total)
        let counts = "\(done)/\(total) synced, \(parked) parked"
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
