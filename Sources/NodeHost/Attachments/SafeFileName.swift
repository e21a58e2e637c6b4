/// An attachment file name made safe to hand to a tracker: a plain base name.
///
/// A name from the peer is untrusted: it may carry a path ("../../etc/passwd",
/// "C:\\x\\y"), NUL or control characters, or be empty or huge. The rule, in
/// order: keep the part after the last `/` or `\`; drop NUL, C0/C1 control
/// characters and DEL; trim spaces and dots at both ends (so "..", "." and
/// trailing-dot tricks vanish); cap at `maxBytes` UTF-8 bytes on a character
/// boundary, keeping the extension when it is short; if nothing is left, use
/// "attachment". Invariant: the result is non-empty, has no `/`, `\`, NUL or
/// control character, is not "." or "..", and is at most `maxBytes` bytes.
struct SafeFileName: Equatable, CustomStringConvertible {
    static let maxBytes = 200
    static let fallback = "attachment"

    let value: String

    init(_ raw: String) {
        let base = raw.split(omittingEmptySubsequences: false) { $0 == "/" || $0 == "\\" }.last.map(String.init) ?? ""
        var kept = String.UnicodeScalarView()
        for scalar in base.unicodeScalars where !SafeFileName.isControl(scalar) { kept.append(scalar) }
        var name = String(kept)
        while let first = name.first, first == " " || first == "." { name.removeFirst() }
        while let last = name.last, last == " " || last == "." { name.removeLast() }
        name = SafeFileName.capped(name)
        value = name.isEmpty ? SafeFileName.fallback : name
    }

    var description: String { value }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }

    /// Cuts to `maxBytes` UTF-8 bytes at a character boundary; an extension
    /// of up to 16 bytes survives the cut.
    private static func capped(_ name: String) -> String {
        guard name.utf8.count > maxBytes else { return name }
        var stem = Substring(name)
        var suffix = ""
        if let dot = name.lastIndex(of: "."), name.utf8.distance(from: dot, to: name.endIndex) <= 16 {
            stem = name[..<dot]
            suffix = String(name[dot...])
        }
        var cut = ""
        for character in stem {
            if cut.utf8.count + character.utf8.count + suffix.utf8.count > maxBytes { break }
            cut.append(character)
        }
        return cut + suffix
    }
}
