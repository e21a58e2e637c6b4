/// One step of the demo's scenario: a person's action on one tracker and the
/// change it must cause on the other, as seen through that tracker's API.
struct DemoStep {
    /// What the person does, e.g. "comment in Jira".
    let title: String
    /// Where the action is made and where its effect must land.
    let from: String
    let to: String
    /// The action; its return value (a key, a number) is shown in the timeline.
    let act: () throws -> String
    /// Reads the other tracker: nil while the change has not landed, else a
    /// short description of what was seen there.
    let landed: () throws -> String?
    /// How long to wait for `landed` before the step fails.
    var timeoutSeconds: Double = 30
    /// Untimed preparation run just before `act` (e.g. the two edits of a
    /// conflict, made while the connection is paused), so the milliseconds
    /// measure only what the step is about.
    var setup: (() throws -> Void)?
}

/// How one step went.
struct DemoOutcome {
    let step: DemoStep
    /// Milliseconds from just before the action to the first read that saw it land.
    let milliseconds: Int?
    let detail: String
    var held: Bool { milliseconds != nil }
}
