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

    func releaseCycles() {
        guard mayHaveCycles || !capturedFrames.isEmpty else { return }
        // (An entity view's cache can only join a cycle through a store, which sets the flag.)
        var pending: [Value] = []
        for case let value? in globals { pending.append(value) }
        var frames = capturedFrames
        frames.append(frame)
        var seen = Set<ObjectIdentifier>()
        while true {
            while let next = frames.popLast() {
                guard seen.insert(ObjectIdentifier(next)).inserted else { continue }
                pending.append(contentsOf: next.slots)
                for offset in next.slots.indices { next.slots[offset] = .null }
            }
            guard let value = pending.popLast() else { break }
            switch value {
            case .list(let list):
                guard seen.insert(ObjectIdentifier(list)).inserted else { continue }
                pending.append(contentsOf: list.items)
                list.items.removeAll()
            case .map(let map):
                guard seen.insert(ObjectIdentifier(map)).inserted else { continue }
                pending.append(contentsOf: map.values)
                map.removeAll()
            case .closure(let closure):
                frames.append(closure.captured)
            case .object(let object):
                guard seen.insert(ObjectIdentifier(object)).inserted else { continue }
                pending.append(contentsOf: object.detachValues())
            default:
                break
            }
        }
    }
}
