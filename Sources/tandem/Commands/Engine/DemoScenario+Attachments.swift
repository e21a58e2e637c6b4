import LocalDeployment
import NodeHost
import TandemJSON
import TandemDigest

/// The "attach" steps: a file attached on one side arrives on the other with
/// the same SHA-256, checked on the bytes the receiving tracker serves.
extension DemoScenario {
    /// A file attached to the Jira issue arrives on the incident.
    var attachFromJira: DemoStep {
        let file = DemoFile(name: "smoke-tray2.jpg", size: 300_000, seed: 7)
        return DemoStep(title: "attach \(file.name)", from: "Jira", to: "ServiceNow", act: { [self] in
            try jira.attachToIssue(key, filename: file.name, bytes: file.bytes)
            return key
        }, landed: { [self] in
            guard let record = try serviceNow.incidentAttachments(sysID).first(where: { $0["file_name"]?.stringValue == file.name }),
                  let id = record["sys_id"]?.stringValue else { return nil }
            // ServiceNow's own hash of what it stored, and the bytes it serves.
            let served = DemoFile.sha256(try serviceNow.serviceNowAttachmentBytes(id))
            guard record["hash"]?.stringValue == file.sha256, served == file.sha256 else {
                throw DemoCheckFailure("\(file.name) arrived with SHA-256 \(served), not \(file.sha256)")
            }
            return file.landedText
        })
    }

    /// A file attached to the incident arrives on the Jira issue. Attaching
    /// in ServiceNow does not touch the incident, so the simulator (like
    /// ServiceNow) sends no webhook: the step asks node green to sync the
    /// incident, as `tandem sync INC… --connection sup-incidents` does.
    var attachFromServiceNow: DemoStep {
        let file = DemoFile(name: "extinguisher-log.pdf", size: 120_000, seed: 11)
        return DemoStep(title: "attach \(file.name)", from: "ServiceNow", to: "Jira", act: { [self] in
            try serviceNow.attachToIncident(sysID, filename: file.name, bytes: file.bytes)
            let number = try number()
            _ = try AdminClient(admin: nodes.deployment.greenAdmin)
                .send("POST", "/admin/v1/sync", ["connection": .string(SyncDeployment.connection), "key": .string(number)])
            return number
        }, landed: { [self] in
            guard let record = try jira.issueAttachments(key).first(where: { $0["filename"]?.stringValue == file.name }),
                  let id = record["id"]?.stringValue else { return nil }
            let served = DemoFile.sha256(try jira.jiraAttachmentBytes(id))
            guard served == file.sha256 else {
                throw DemoCheckFailure("\(file.name) arrived with SHA-256 \(served), not \(file.sha256)")
            }
            return file.landedText
        })
    }
}

/// A file for the attach steps: fixed pseudo-random bytes (xorshift), so
/// each run attaches the same content and the size is exact.
struct DemoFile {
    let name: String
    let bytes: [UInt8]
    let sha256: String

    init(name: String, size: Int, seed: UInt64) {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size)
        while bytes.count < size {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            var word = state
            for _ in 0..<min(8, size - bytes.count) {
                bytes.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
        }
        self.name = name
        self.bytes = bytes
        sha256 = Self.sha256(bytes)
    }

    static func sha256(_ bytes: [UInt8]) -> String { Digest.hex(Digest.sha256(bytes)) }

    var landedText: String { "\(bytes.count / 1000) kB, same SHA-256 \(sha256.prefix(12))…" }
}

/// A step's check that saw something wrong rather than late (the timeline
/// shows it as the last read when the step times out).
struct DemoCheckFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
