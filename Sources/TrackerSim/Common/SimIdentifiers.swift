import TandemDigest

/// Random identifiers in the forms the simulated trackers hand out.
enum SimIdentifiers {
    /// A ServiceNow-style sys_id: 32 lowercase hex characters.
    static func sysID() -> String { Digest.hex(Digest.randomBytes(16)) }

    /// A random UUID string (version 4 layout), for delivery identifiers.
    static func uuid() -> String {
        var bytes = Digest.randomBytes(16)
        bytes[6] = (bytes[6] & 0x0f) | 0x40
        bytes[8] = (bytes[8] & 0x3f) | 0x80
        let characters = Array(Digest.hex(bytes))
        return String(characters[0..<8]) + "-" + String(characters[8..<12]) + "-" + String(characters[12..<16]) + "-"
            + String(characters[16..<20]) + "-" + String(characters[20..<32])
    }
}
