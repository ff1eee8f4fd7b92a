/// swift-argument-parser's error lines, with every value the user typed taken out: a
/// passphrase given by mistake to `--passphrase-fd`, or typed as a stray argument, must not
/// land in a terminal's scrollback or a CI log. Option names stay; they are the useful part.
enum ParserErrorText {
    /// The first line of the parser's message, without its "Error: " prefix, values removed.
    static func redacted(_ line: String) -> String {
        // "The value 'VALUE' is invalid for '--option <n>'[: reason | . Please provide ...]".
        // Option names cannot contain the marker, so the last one ends the value, whatever it holds.
        let marker = "' is invalid for '"
        if let found = line.lastRange(of: marker) {
            return "invalid value for '" + line[found.upperBound...]
        }
        // "The option '--json' does not take any value, but 'VALUE' was specified".
        let noValue = " does not take any value, but '"
        if let found = line.lastRange(of: noValue) {
            return line[..<found.lowerBound] + " does not take a value (the value given is not shown, in case it is a secret)"
        }
        // "Unexpected argument 'VALUE'", "2 unexpected arguments: 'A', 'B'".
        if line.lowercased().contains("unexpected argument") {
            return "unexpected extra argument (not shown, in case it is a secret)"
        }
        return line
    }
}

extension String {
    /// The last occurrence of `target`, without Foundation.
    func lastRange(of target: String) -> Range<Index>? {
        guard !target.isEmpty, target.count <= count else { return nil }
        var start = index(endIndex, offsetBy: -target.count)
        while true {
            if self[start...].hasPrefix(target) { return start..<index(start, offsetBy: target.count) }
            guard start > startIndex else { return nil }
            formIndex(before: &start)
        }
    }
}

/// Words that swift-argument-parser would read as a group of short flags: "-hostname" is
/// "-h -o -s ...", and so printed help and exited 0 instead of removing a server named so.
/// This tool has no short option but -h, so such a word is never a group the user meant.
enum GroupedShortFlags {
    /// Whether `arguments` (without the program name) hold one before any "--".
    static func present(in arguments: [String]) -> Bool {
        arguments.prefix { $0 != "--" }.contains { word in
            word.hasPrefix("-") && !word.hasPrefix("--") && word.count > 2 && Double(word) == nil
        }
    }
}
