/// Where and why INI text could not be read the way Python's `ConfigParser` reads it. Never
/// quotes the line, which may hold a token.
struct INISyntaxError: Error, Equatable, Sendable {
    var line: Int
    var problem: String
}

/// An INI file as Python's `ConfigParser` (`strict=True`, `=`/`:` delimiters, `#`/`;` full-line
/// comments, no inline comments, empty lines allowed in values) understands it, keeping every
/// original line so that a write can replace one section and leave every other byte alone.
struct INIDocument {
    /// One physical line: its bytes including the terminator (`\n`, `\r\n` or `\r`; Python's
    /// universal newlines treat all three as line ends) and its text without it.
    struct Line {
        var raw: ArraySlice<UInt8>
        var text: String
        var hasTerminator: Bool
    }

    struct Option {
        var name: String
        /// The value's lines; joined with "\n" and right-stripped, as Python does.
        var valueLines: [String]
        /// 1-based line of `name = value`, for interpolation errors.
        var line: Int

        var rawValue: String {
            let joined = valueLines.joined(separator: "\n").unicodeScalars
            return String(Substring(joined[..<INIDocument.endOfText(in: joined)]))
        }
    }

    struct Section {
        var name: String
        var headerIndex: Int
        /// Index of the last header, option or continuation line of this section.
        var lastContentIndex: Int
        var options: [Option] = []

        func option(named name: String) -> Option? {
            options.first { $0.name == name }
        }
    }

    static let defaultSectionName = "DEFAULT"

    private(set) var lines: [Line] = []
    private(set) var defaults: [Option] = []
    private(set) var sections: [Section] = []

    func section(named name: String) -> Section? {
        sections.first { $0.name == name }
    }
}

extension INIDocument {
    /// Parses like `RawConfigParser._read`; the first problem throws (Python collects plain
    /// syntax errors and raises them after the last line, with the same first line number).
    init(parsing bytes: [UInt8]) throws(INISyntaxError) {
        lines = try INIDocument.splitLines(bytes)
        var reader = Reader()
        for (index, line) in lines.enumerated() {
            try reader.consume(line.text, at: index, into: &self)
        }
    }

    private static func splitLines(_ bytes: [UInt8]) throws(INISyntaxError) -> [Line] {
        var result: [Line] = []
        var start = 0
        var index = 0
        func finish(contentEnd: Int, next: Int) throws(INISyntaxError) {
            let content = bytes[start..<contentEnd]
            guard let text = String(validating: content, as: UTF8.self) else {
                throw INISyntaxError(line: result.count + 1, problem: "not valid UTF-8 text")
            }
            result.append(Line(raw: bytes[start..<next], text: text, hasTerminator: next > contentEnd))
            start = next
        }
        while index < bytes.count {
            switch bytes[index] {
            case 0x0A:
                try finish(contentEnd: index, next: index + 1)
                index += 1
            case 0x0D:
                let next = index + 1 < bytes.count && bytes[index + 1] == 0x0A ? index + 2 : index + 1
                try finish(contentEnd: index, next: next)
                index = next
            default:
                index += 1
            }
        }
        if start < bytes.count {
            try finish(contentEnd: bytes.count, next: bytes.count)
        }
        return result
    }

    /// The state `RawConfigParser._read` keeps between lines.
    private struct Reader {
        /// nil before the first header; `defaultSectionName` while in [DEFAULT].
        var currentSection: Int?
        var inDefaults = false
        var currentOption: Int?
        var indentLevel = 0
        var seenSections: Set<String> = []
        /// (section, option) pairs already read, as Python's `elements_added`: a set, so that a
        /// section of n options is checked in O(n), not O(n^2). [DEFAULT] may be opened many
        /// times and its options are checked across all of them.
        var seenOptions: Set<OptionKey> = []

        struct OptionKey: Hashable {
            var section: String
            var option: String
        }

        mutating func consume(_ line: String, at index: Int, into document: inout INIDocument) throws(INISyntaxError) {
            let lineNumber = index + 1
            let stripped = INIDocument.strip(line)
            let isComment = stripped.hasPrefix("#") || stripped.hasPrefix(";")
            if isComment { return }
            if stripped.isEmpty {
                // An empty line inside a value becomes part of it (trailing ones are stripped at
                // the end); it does not end the value, so a later indented line still continues it.
                if let option = currentOption { document.appendValueLine("", to: option, inDefaults: inDefaults, section: currentSection) }
                return
            }
            let indent = INIDocument.indentation(of: line)
            if (currentSection != nil || inDefaults), let option = currentOption, indent > indentLevel {
                document.appendValueLine(stripped, to: option, inDefaults: inDefaults, section: currentSection)
                markContent(index, in: &document)
                return
            }
            indentLevel = indent
            if let name = INIDocument.sectionHeader(stripped) {
                currentOption = nil
                if name == INIDocument.defaultSectionName {
                    inDefaults = true
                    currentSection = nil
                    return
                }
                guard seenSections.insert(name).inserted else {
                    throw INISyntaxError(line: lineNumber, problem: "section \(DisplayName.of(name)) appears twice")
                }
                inDefaults = false
                document.sections.append(Section(name: name, headerIndex: index, lastContentIndex: index))
                currentSection = document.sections.count - 1
                return
            }
            guard currentSection != nil || inDefaults else {
                throw INISyntaxError(line: lineNumber, problem: "an option before the first [section] header")
            }
            guard let (rawName, value) = INIDocument.splitOption(stripped) else {
                throw INISyntaxError(line: lineNumber, problem: "neither a [section] header nor a 'name = value' line")
            }
            // Python lower-cases option names (`optionxform`).
            let name = rawName.lowercased()
            guard !name.isEmpty else {
                throw INISyntaxError(line: lineNumber, problem: "an option with an empty name")
            }
            let option = Option(name: name, valueLines: [value], line: lineNumber)
            if inDefaults {
                guard seenOptions.insert(OptionKey(section: INIDocument.defaultSectionName, option: name)).inserted else {
                    throw INISyntaxError(line: lineNumber, problem: "option \(DisplayName.of(name)) appears twice in [DEFAULT]")
                }
                document.defaults.append(option)
                currentOption = document.defaults.count - 1
            } else if let sectionIndex = currentSection {
                guard seenOptions.insert(OptionKey(section: document.sections[sectionIndex].name, option: name)).inserted else {
                    throw INISyntaxError(line: lineNumber, problem: "option \(DisplayName.of(name)) appears twice in one section")
                }
                document.sections[sectionIndex].options.append(option)
                currentOption = document.sections[sectionIndex].options.count - 1
                markContent(index, in: &document)
            }
        }

        private func markContent(_ index: Int, in document: inout INIDocument) {
            if let sectionIndex = currentSection, !inDefaults {
                document.sections[sectionIndex].lastContentIndex = index
            }
        }
    }

    private mutating func appendValueLine(_ text: String, to option: Int, inDefaults: Bool, section: Int?) {
        if inDefaults {
            defaults[option].valueLines.append(text)
        } else if let section {
            sections[section].options[option].valueLines.append(text)
        }
    }

    /// Python's `str.strip()`. Index arithmetic only: one pass over a line of a million spaces,
    /// several times faster than removing them one at a time.
    static func strip(_ text: some StringProtocol) -> String {
        let scalars = Substring(text).unicodeScalars
        let start = scalars.firstIndex { !PythonInt.isPythonSpace($0) } ?? scalars.endIndex
        let rest = scalars[start...]
        return String(Substring(rest[..<endOfText(in: rest)]))
    }

    /// The index just past the last scalar that is not Python whitespace (`startIndex` if none).
    static func endOfText<Scalars: BidirectionalCollection<Unicode.Scalar>>(in scalars: Scalars) -> Scalars.Index {
        var end = scalars.endIndex
        while end > scalars.startIndex {
            let previous = scalars.index(before: end)
            guard PythonInt.isPythonSpace(scalars[previous]) else { break }
            end = previous
        }
        return end
    }

    /// Position of the first non-space character, counted in characters as Python counts them.
    private static func indentation(of line: String) -> Int {
        line.unicodeScalars.prefix(while: PythonInt.isPythonSpace).count
    }

    /// `SECTCRE = \[(?P<header>.+)\]`, matched (not full-matched) on the stripped line: the
    /// header runs to the last `]`, and anything after it is ignored.
    private static func sectionHeader(_ stripped: String) -> String? {
        let scalars = Array(stripped.unicodeScalars)
        guard scalars.first == "[", let close = scalars.lastIndex(of: "]"), close >= 2 else { return nil }
        return String(String.UnicodeScalarView(scalars[1..<close]))
    }

    /// `OPTCRE`: the name runs to the first `=` or `:`; name and value are stripped.
    private static func splitOption(_ stripped: String) -> (String, String)? {
        guard let delimiter = stripped.unicodeScalars.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
            return nil
        }
        let name = String(String.UnicodeScalarView(stripped.unicodeScalars[..<delimiter]))
        let value = String(String.UnicodeScalarView(stripped.unicodeScalars[stripped.unicodeScalars.index(after: delimiter)...]))
        return (strip(name), strip(value))
    }
}
