import TandemJSON

/// Problems gathered instead of stopping at the first (`tandem config check`).
final class ConfigProblems {
    var errors: [ConfigError] = []
}

/// Reads typed values out of configuration JSON, naming the path on error.
///
/// With `problems`, unknown keys are all recorded there instead of thrown,
/// and so are the errors of each section the parser guards with `section`.
struct ConfigReader {
    let json: JSON
    let path: String
    let problems: ConfigProblems?

    init(_ json: JSON, path: String = "$", problems: ConfigProblems? = nil) {
        self.json = json
        self.path = path
        self.problems = problems
    }

    func child(_ key: String) -> String { path + "." + key }

    func object() throws(ConfigError) -> [String: JSON] {
        guard let members = json.objectValue else { throw ConfigError(path, "expected an object, got \(json.kindName)") }
        return members
    }

    func member(_ key: String) throws(ConfigError) -> ConfigReader? {
        let members = try object()
        guard let value = members[key], !value.isNull else { return nil }
        return ConfigReader(value, path: child(key), problems: problems)
    }

    func required(_ key: String) throws(ConfigError) -> ConfigReader {
        guard let value = try member(key) else { throw ConfigError(child(key), "is required") }
        return value
    }

    func string() throws(ConfigError) -> String {
        guard let text = json.stringValue else { throw ConfigError(path, "expected a string, got \(json.kindName)") }
        return text
    }

    func nonEmptyString() throws(ConfigError) -> String {
        let text = try string()
        guard !text.isEmpty else { throw ConfigError(path, "must not be empty") }
        return text
    }

    func bool() throws(ConfigError) -> Bool {
        guard let value = json.boolValue else { throw ConfigError(path, "expected true or false, got \(json.kindName)") }
        return value
    }

    func int(in range: ClosedRange<Int>) throws(ConfigError) -> Int {
        guard let value = json.intValue else { throw ConfigError(path, "expected a whole number, got \(json.kindName)") }
        guard range.contains(value) else {
            throw ConfigError(path, "must be from \(range.lowerBound) to \(range.upperBound), not \(value)")
        }
        return value
    }

    func double(in range: ClosedRange<Double>) throws(ConfigError) -> Double {
        guard let value = json.doubleValue else { throw ConfigError(path, "expected a number, got \(json.kindName)") }
        guard range.contains(value) else { throw ConfigError(path, "must be from \(range.lowerBound) to \(range.upperBound)") }
        return value
    }

    /// A secret given as a string or as `{"secret": NAME}`, which reads the
    /// node's secret store (the environment variable `TANDEM_SECRET_NAME`).
    /// Errors name the path and the variable, never the value.
    func secret(environment: [String: String], minimumLength: Int) throws(ConfigError) -> String {
        let value: String
        if json.objectValue != nil {
            try rejectUnknownKeys(["secret"])
            let name = try required("secret").nonEmptyString()
            guard let stored = environment["TANDEM_SECRET_" + name], !stored.isEmpty else {
                throw ConfigError(path, "names secret '\(name)', but TANDEM_SECRET_\(name) is not set in the node's environment")
            }
            value = stored
        } else {
            guard json.stringValue != nil else { throw ConfigError(path, "expected a string or {\"secret\": NAME}, got \(json.kindName)") }
            value = try nonEmptyString()
        }
        guard value.count >= minimumLength else { throw ConfigError(path, "must be at least \(minimumLength) characters") }
        return value
    }

    /// Fails on keys outside `known`, so a typo is an error rather than ignored.
    func rejectUnknownKeys(_ known: Set<String>) throws(ConfigError) {
        for key in try object().keys.sorted() where !known.contains(key) {
            let error = ConfigError(child(key), "unknown key (expected one of: \(known.sorted().joined(separator: ", ")))")
            guard let problems else { throw error }
            problems.errors.append(error)
        }
    }

    /// Runs one independent part of the parse: with `problems`, its error is
    /// recorded and nil returned, so the next part is checked too.
    func section<T>(_ body: () throws(ConfigError) -> T) throws(ConfigError) -> T? {
        do { return try body() } catch {
            guard let problems else { throw error }
            problems.errors.append(error)
            return nil
        }
    }
}
