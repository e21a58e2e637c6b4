/// Breaking reference cycles when a run ends.
///
/// Lists, maps and frames are reference counted. A script can tie them into
/// cycles (a closure kept in the frame it captured, `m.self = m`), which
/// would never be freed. When the run is released, every container reachable
/// from the run's globals, its top frame and the frames closures captured is
/// emptied, so everything is freed. The host has its results as JSON by then.
extension Interpreter {
    /// Records whether storing `value` (into a frame slot when `target` is
    /// nil, else into that container or object) may close a cycle.
    ///
    /// A cycle through a frame needs a closure stored where its frame can
    /// reach it; a cycle through containers needs the stored value to reach
    /// the target. A short walk of the stored value decides; a value too big
    /// to walk counts as a possible cycle. Stores of plain data (strings,
    /// numbers, lists of maps of them) cost no release walk at the end.
    ///
    /// Once a store may have closed a cycle, the target of every later store
    /// of a reference is kept as a suspect, so the release walk also reaches
    /// cycles no longer reachable from the run's globals and frames.
    @inline(__always) func noteStore(_ value: Value, into target: AnyObject?) {
        guard value.isReference else { return }
        if !mayHaveCycles {
            switch value {
            case .list, .map: if !mayReach(value, target) { return }
            default: break
            }
            mayHaveCycles = true
        }
        if let target { suspects.append(target) }
    }

    private func mayReach(_ value: Value, _ target: AnyObject?) -> Bool {
        var pending: [Value] = [value]
        var budget = 64
        while let next = pending.popLast() {
            budget -= 1
            if budget < 0 { return true }
            switch next {
            case .list(let list):
                if list === target { return true }
                for item in list.convertedItems where item.isReference { pending.append(item) }
            case .map(let map):
                if map === target { return true }
                for item in map.convertedValues where item.isReference { pending.append(item) }
            case .closure, .function, .object:
                return true
            default:
                break
            }
        }
        return false
    }

    /// Visits each container once without a visited set: a container is
    /// emptied on its first visit, so a later visit finds nothing to follow.
    func releaseCycles() {
        guard mayHaveCycles else { return }
        var pending: [Value] = []
        for case let value? in globals { pending.append(value) }
        for suspect in suspects {
            if let list = suspect as? ListBox { pending.append(.list(list)) }
            else if let map = suspect as? MapBox { pending.append(.map(map)) }
            else if let object = suspect as? any ScriptObject { pending.append(.object(object)) }
        }
        suspects.removeAll()
        var frames = capturedFrames
        frames.append(frame)
        while true {
            while let next = frames.popLast() {
                if next.slots.isEmpty { continue }
                pending.append(contentsOf: next.slots)
                next.slots.removeAll()
            }
            guard let value = pending.popLast() else { break }
            switch value {
            case .list(let list):
                pending.append(contentsOf: list.takeConverted())
            case .map(let map):
                pending.append(contentsOf: map.takeConverted())
                map.removeAll()
            case .closure(let closure):
                frames.append(closure.captured)
            case .object(let object):
                pending.append(contentsOf: object.detachValues())
            default:
                break
            }
        }
    }
}
