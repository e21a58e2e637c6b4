/// The names a function or closure body declares, for resolving at parse time.
///
/// Slots are never reused within one function, even across sibling blocks: a
/// closure keeps its creating frame alive, and a later block must not
/// overwrite a slot that closure still reads.
final class Scope {
    let parent: Scope?
    /// Closures see their parent's locals; functions and the script body do not
    /// see any enclosing locals (Groovy's rule for script methods).
    let isClosure: Bool
    private var blocks: [[String: Int]] = [[:]]
    private(set) var slotCount = 0
    var loopDepth = 0

    init(parent: Scope?, isClosure: Bool) {
        self.parent = parent
        self.isClosure = isClosure
    }

    func pushBlock() { blocks.append([:]) }
    func popBlock() { blocks.removeLast() }

    /// Declares `name` in the innermost block; nil if that block already has it.
    func declare(_ name: String) -> Int? {
        if blocks[blocks.count - 1][name] != nil { return nil }
        let slot = slotCount
        slotCount += 1
        blocks[blocks.count - 1][name] = slot
        return slot
    }

    /// The (frame depth, slot) of `name`, or nil when it is not a local.
    func resolve(_ name: String) -> (depth: Int, slot: Int)? {
        var scope: Scope? = self
        var depth = 0
        while let current = scope {
            for block in current.blocks.reversed() {
                if let slot = block[name] { return (depth, slot) }
            }
            guard current.isClosure else { return nil }
            scope = current.parent
            depth += 1
        }
        return nil
    }
}
