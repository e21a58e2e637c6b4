/// Everything a history run will do, drawn from one seed before anything
/// starts, so a seed names one operation sequence (timing stays real).
///
/// Pairs alternate their origin (created in Jira or in ServiceNow) and get a
/// mode (`HistoryPairMode`). The stream is `rate` operations a second for
/// `seconds`: field edits, comments, attachments and creates on both sides,
/// plus one connection pause per node and one peer outage.
struct HistoryPlan: Sendable {
    struct Pair: Sendable {
        let index: Int
        let origin: HistorySide
        let mode: HistoryPairMode
        /// Its first summary, unique in the run.
        let token: String
    }

    let seed: UInt64
    let pairs: [Pair]
    let operations: [HistoryOperation]

    init(seed: UInt64, pairs pairCount: Int, seconds: Double, rate: Double, fields: [HistoryField] = HistoryField.allCases) {
        self.seed = seed
        var random = SeededRandom(seed)
        var pairs: [Pair] = []
        for index in 0..<pairCount {
            let mode: HistoryPairMode = switch random.next(100) {
            case 0..<40:
                .oneSided(owner: Dictionary(uniqueKeysWithValues: HistoryField.allCases.map { ($0, random.pick(HistorySide.allCases)) }))
            case 40..<70: .alternating
            default: .contended
            }
            pairs.append(Pair(index: index, origin: index % 2 == 0 ? .jira : .serviceNow, mode: mode, token: "h\(seed)-p\(index)"))
        }
        self.pairs = pairs

        var operations: [HistoryOperation] = []
        var lastSide: [String: HistorySide] = [:]
        var lastValue: [String: String] = [:]
        let count = max(1, Int(seconds * rate))
        for index in 0..<count {
            let at = Double(index) / rate
            let roll = random.next(1000)
            let picked = pairs.isEmpty ? nil : random.pick(pairs)
            guard roll >= 40, let pair = picked else {
                let side = random.pick(HistorySide.allCases)
                operations.append(HistoryOperation(index: index, at: at, pair: nil, side: side, action: .create("h\(seed)-new\(index)")))
                continue
            }
            let action: HistoryOperation.Action
            var side = random.pick(HistorySide.allCases)
            switch roll {
            case 40..<80:
                let name = "h\(seed)-a\(index).bin"
                let size = 16 + random.next(2_000)
                action = .attach(filename: name, bytes: (0..<size).map { _ in UInt8(truncatingIfNeeded: random.next(256)) })
            case 80..<330:
                action = .comment("h\(seed)-c\(index)")
            default:
                let field = random.pick(fields + (fields.contains(.summary) ? [.summary, .summary] : []))
                let key = "\(pair.index).\(field.rawValue)"
                switch pair.mode {
                case .oneSided(let owner): side = owner[field] ?? .jira
                case .alternating: side = lastSide[key]?.other ?? side
                case .contended: break
                }
                lastSide[key] = side
                var value: String
                switch field {
                case .summary: value = "h\(seed)-s\(index)"
                case .description: value = "h\(seed)-d\(index)"
                case .priority: value = random.pick(HistoryField.priorities)
                case .status: value = random.pick(HistoryField.statuses)
                case .assignee: value = random.pick(HistoryField.assignees(in: side))
                }
                // A value different from the last one planned, so each edit changes something.
                if value == lastValue[key], field == .priority || field == .status || field == .assignee {
                    let choices = field == .priority ? HistoryField.priorities
                        : field == .status ? HistoryField.statuses : HistoryField.assignees(in: side)
                    value = choices[(choices.firstIndex(of: value)! + 1) % choices.count]
                }
                lastValue[key] = value
                action = .edit(field, value)
            }
            operations.append(HistoryOperation(index: index, at: at, pair: pair.index, side: side, action: action))
        }
        // One pause of each node's connection and one outage of a random node,
        // placed in the middle half of the stream.
        if seconds >= 8 {
            for side in HistorySide.allCases {
                let at = seconds * (0.25 + Double(random.next(50)) / 100)
                operations.append(HistoryOperation(index: operations.count, at: at, pair: nil, side: side,
                                                   action: .pause(1 + Double(random.next(20)) / 10)))
            }
            operations.append(HistoryOperation(index: operations.count, at: seconds * (0.25 + Double(random.next(50)) / 100), pair: nil,
                                               side: random.pick(HistorySide.allCases), action: .outage(2 + Double(random.next(30)) / 10)))
        }
        self.operations = operations.sorted { $0.at < $1.at }
    }
}

/// SplitMix64: a small, fast generator whose whole state is one integer, so
/// a run replays from its seed.
struct SeededRandom: Sendable {
    private var state: UInt64

    init(_ seed: UInt64) { state = seed }

    mutating func nextWord() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in 0..<bound.
    mutating func next(_ bound: Int) -> Int { Int(nextWord() % UInt64(max(1, bound))) }

    mutating func pick<T>(_ choices: [T]) -> T { choices[next(choices.count)] }

    /// A number of seconds in `range`, in tenths.
    mutating func seconds(in range: ClosedRange<Double>) -> Double {
        range.lowerBound + Double(next(Int((range.upperBound - range.lowerBound) * 10) + 1)) / 10
    }
}
