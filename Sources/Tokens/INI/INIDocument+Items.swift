extension INIDocument {
    /// Python's `MAX_INTERPOLATION_DEPTH`.
    static let maximumInterpolationDepth = 10

    /// The most bytes that `%(name)s` references may bring into one `items` call. Ten levels of
    /// references can multiply a value's length by the file's size ten times over, so a file of
    /// a few hundred bytes could otherwise demand gigabytes of memory and minutes of work (Python
    /// hangs on such a file too, so no file Python reads is refused). Real token values are a few
    /// kilobytes.
    static let maximumInterpolatedBytes = 1 << 20

    /// Python's `ConfigParser.items(section)`: the [DEFAULT] options merged under the
    /// section's own, each value put through `BasicInterpolation` (`%%` is a literal `%`,
    /// `%(name)s` is another option's value). A missing section yields only the defaults, as
    /// it does for Fair Research Login, which adds the section before reading it.
    ///
    /// Options are interpolated in Python's order (defaults, then the section's own, each in
    /// file order), so the first problem reported is the one Python reports.
    func items(of sectionName: String) throws(INISyntaxError) -> [String: String] {
        var merged: [String: Option] = [:]
        var order: [String] = []
        for option in defaults + (section(named: sectionName)?.options ?? []) {
            if merged.updateValue(option, forKey: option.name) == nil { order.append(option.name) }
        }
        let rawValues = merged.mapValues(\.rawValue)
        var expansion = Expansion(values: rawValues)
        var result: [String: String] = [:]
        for name in order {
            guard let option = merged[name], let raw = rawValues[name] else { continue }
            var output = ""
            try expansion.interpolate(raw, into: &output, line: option.line, depth: 1)
            result[name] = output
        }
        return result
    }

    /// One `items` call's interpolation and what it has spent of `maximumInterpolatedBytes`.
    private struct Expansion {
        let values: [String: String]
        /// Every referenced value is charged in full before it is copied or scanned, so the
        /// work done before the cap throws is bounded by the cap plus the file's own size:
        /// references inside a referenced value lie within bytes already charged, and a
        /// reference to an empty value costs only the scan of its own `%(name)s` text.
        var bytesLeft = INIDocument.maximumInterpolatedBytes

        mutating func interpolate(_ text: String, into output: inout String, line: Int, depth: Int) throws(INISyntaxError) {
            guard depth <= maximumInterpolationDepth else {
                throw INISyntaxError(line: line, problem: "%(name)s references nest deeper than \(maximumInterpolationDepth) levels")
            }
            // Code points, as Python scans: as Characters, a "%" followed by a combining mark
            // would be one Character and not a "%" at all.
            var rest = Substring(text).unicodeScalars
            while let percent = rest.firstIndex(of: "%") {
                output.unicodeScalars.append(contentsOf: rest[..<percent])
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
                    let name = String(Substring(rest[rest.index(after: rest.startIndex)..<close])).lowercased()
                    rest = rest[rest.index(close, offsetBy: 2)...]
                    guard let value = values[name] else {
                        throw INISyntaxError(line: line, problem: "%(name)s refers to option \(DisplayName.of(name)), which does not exist")
                    }
                    try charge(value, line: line)
                    if value.utf8.contains(UInt8(ascii: "%")) {
                        try interpolate(value, into: &output, line: line, depth: depth + 1)
                    } else {
                        output += value
                    }
                } else {
                    throw INISyntaxError(line: line, problem: "'%' must be followed by '%' or '(' (a literal % is written %%)")
                }
            }
            output.unicodeScalars.append(contentsOf: rest)
        }

        private mutating func charge(_ value: String, line: Int) throws(INISyntaxError) {
            let cost = value.utf8.count
            guard cost <= bytesLeft else {
                throw INISyntaxError(
                    line: line, problem: "%(name)s interpolation expands beyond \(maximumInterpolatedBytes) bytes")
            }
            bytesLeft -= cost
        }
    }
}

extension INIDocument {
    /// Python's `ConfigParser._write_section` for one section: `name = value` lines (newlines
    /// in a value continue on a tab-indented line) and a blank line after. `%` is doubled,
    /// which Python's `ConfigParser.set` requires and its reader undoes.
    static func format(section name: String, options: [(String, String)]) -> String {
        var out = "[\(name)]\n"
        for (key, value) in options {
            let escaped = value.replacingASCII("%", with: "%%").replacingASCII("\n", with: "\n\t")
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
