extension INIDocument {
    /// Python's `MAX_INTERPOLATION_DEPTH`.
    static let maximumInterpolationDepth = 10

    /// Python's `ConfigParser.items(section)`: the [DEFAULT] options merged under the
    /// section's own, each value put through `BasicInterpolation` (`%%` is a literal `%`,
    /// `%(name)s` is another option's value). A missing section yields only the defaults, as
    /// it does for Fair Research Login, which adds the section before reading it.
    func items(of sectionName: String) throws(INISyntaxError) -> [String: String] {
        var merged: [String: Option] = [:]
        for option in defaults { merged[option.name] = option }
        for option in section(named: sectionName)?.options ?? [] { merged[option.name] = option }
        let rawValues = merged.mapValues(\.rawValue)
        var result: [String: String] = [:]
        for (name, option) in merged {
            var output = ""
            try INIDocument.interpolate(option.rawValue, into: &output, values: rawValues, line: option.line, depth: 1)
            result[name] = output
        }
        return result
    }

    private static func interpolate(
        _ text: String, into output: inout String, values: [String: String], line: Int, depth: Int
    ) throws(INISyntaxError) {
        guard depth <= maximumInterpolationDepth else {
            throw INISyntaxError(line: line, problem: "%(name)s references nest deeper than \(maximumInterpolationDepth) levels")
        }
        var rest = Substring(text)
        while let percent = rest.firstIndex(of: "%") {
            output += rest[..<percent]
            rest = rest[percent...].dropFirst()
            if rest.first == "%" {
                output += "%"
                rest = rest.dropFirst()
            } else if rest.first == "(" {
                // `_KEYCRE = %\(([^)]+)\)s`
                guard let close = rest.firstIndex(of: ")"), rest.index(after: rest.startIndex) < close,
                    rest[rest.index(after: close)...].first == "s"
                else {
                    throw INISyntaxError(line: line, problem: "bad %(name)s reference (a literal % is written %%)")
                }
                let name = String(rest[rest.index(after: rest.startIndex)..<close]).lowercased()
                rest = rest[rest.index(close, offsetBy: 2)...]
                guard let value = values[name] else {
                    throw INISyntaxError(line: line, problem: "%(name)s refers to option \(DisplayName.of(name)), which does not exist")
                }
                if value.contains("%") {
                    try interpolate(value, into: &output, values: values, line: line, depth: depth + 1)
                } else {
                    output += value
                }
            } else {
                throw INISyntaxError(line: line, problem: "'%' must be followed by '%' or '(' (a literal % is written %%)")
            }
        }
        output += rest
    }
}

extension INIDocument {
    /// Python's `ConfigParser._write_section` for one section: `name = value` lines (newlines
    /// in a value continue on a tab-indented line) and a blank line after. `%` is doubled,
    /// which Python's `ConfigParser.set` requires and its reader undoes.
    static func format(section name: String, options: [(String, String)]) -> String {
        var out = "[\(name)]\n"
        for (key, value) in options {
            let escaped = value.replacing("%", with: "%%").replacing("\n", with: "\n\t")
            out += "\(key.lowercased()) = \(escaped)\n"
        }
        return out + "\n"
    }

    /// The file's bytes with `sectionName` replaced by `formatted` (or appended if absent).
    /// Every line outside the replaced section stays byte-identical. Blank lines right after
    /// the old section are dropped, since `formatted` ends with one: repeated writes do not
    /// grow the file.
    func replacingSection(_ sectionName: String, with formatted: String) -> [UInt8] {
        var out: [UInt8] = []
        if let section = section(named: sectionName) {
            for line in lines[..<section.headerIndex] { out += line.raw }
            out += Array(formatted.utf8)
            let rest = lines[(section.lastContentIndex + 1)...].drop { INIDocument.strip($0.text).isEmpty }
            for line in rest { out += line.raw }
            return out
        }
        for line in lines { out += line.raw }
        if let last = lines.last {
            if !last.hasTerminator { out += Array("\n".utf8) }
            // Python's layout has a blank line between sections.
            if !INIDocument.strip(last.text).isEmpty { out += Array("\n".utf8) }
        }
        out += Array(formatted.utf8)
        return out
    }
}
