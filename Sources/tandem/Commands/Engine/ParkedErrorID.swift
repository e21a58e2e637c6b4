import TandemCLI

/// A parked error's id as an operator types it: `12` or `#12`, as
/// `tandem errors list` shows it.
enum ParkedErrorID {
    static func parse(_ text: String) throws -> Int {
        guard let id = Int(text.hasPrefix("#") ? String(text.dropFirst()) : text) else {
            throw CommandError.usage("'\(text)' is not an error ID; `tandem errors list` shows them")
        }
        return id
    }
}
