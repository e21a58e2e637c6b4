/// Breaking reference cycles when a run ends.
///
/// Lists, maps and frames are reference counted. A script can tie them into
/// cycles (a closure kept in the frame it captured, `m.self = m`), which
/// would never be freed. When the run is released, every container reachable
/// from the run's globals, its top frame and the frames closures captured is
/// emptied, so everything is freed. The host has its results as JSON by then.
extension Interpreter {
    @inline(__always) func noteStore(_ value: Value) {
        switch value {
        case .list, .map, .closure: mayHaveCycles = true
        default: break
        }
    }

    /// Visits each container once without a visited set: a container is
    /// emptied on its first visit, so a later visit finds nothing to follow.
    func releaseCycles() {
        guard mayHaveCycles || !capturedFrames.isEmpty else { return }
        var pending: [Value] = []
        for case let value? in globals { pending.append(value) }
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
                pending.append(contentsOf: list.items)
                list.items.removeAll()
            case .map(let map):
                pending.append(contentsOf: map.values)
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
