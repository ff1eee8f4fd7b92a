import Testing

extension ChildProcess.Outcome {
    /// stderr's lines, each of which must follow the output rule.
    var errorLines: [Substring] { stderr.split(separator: "\n") }
}

/// A failure as the CLI promises it: the status, exactly one `frl-vault: error: ...` line
/// (lowercase start, no final period), at most a hint line after it, and no secret anywhere.
func expectFailure(
    _ outcome: ChildProcess.Outcome, _ status: Int32, mentioning fragments: [String] = [],
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(outcome.status == status, "status \(outcome.status), stderr: \(outcome.stderr)", sourceLocation: sourceLocation)
    let lines = outcome.errorLines
    let errors = lines.filter { $0.hasPrefix("frl-vault: error: ") }
    #expect(errors.count == 1, "expected one error line in: \(outcome.stderr)", sourceLocation: sourceLocation)
    for line in lines {
        #expect(line.hasPrefix("frl-vault: error: ") || line.hasPrefix("frl-vault: hint: "),
                "stray stderr line: \(line)", sourceLocation: sourceLocation)
        #expect(!line.hasSuffix("."), "final period: \(line)", sourceLocation: sourceLocation)
    }
    if let error = errors.first {
        let text = error.dropFirst("frl-vault: error: ".count)
        #expect(text.first.map { !$0.isUppercase || text.dropFirst().first?.isUppercase == true } ?? false,
                "starts with a capital: \(error)", sourceLocation: sourceLocation)
        for fragment in fragments {
            #expect(error.contains(fragment), "'\(fragment)' not in: \(error)", sourceLocation: sourceLocation)
        }
    }
    expectNoSecrets(outcome, sourceLocation: sourceLocation)
}

func expectSuccess(_ outcome: ChildProcess.Outcome, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(outcome.status == 0, "status \(outcome.status), stderr: \(outcome.stderr)", sourceLocation: sourceLocation)
    #expect(outcome.signal == nil, "killed by signal \(outcome.signal ?? 0)", sourceLocation: sourceLocation)
}

/// Neither stream carries a passphrase or a token value.
func expectNoSecrets(_ outcome: ChildProcess.Outcome, sourceLocation: SourceLocation = #_sourceLocation) {
    for secret in Fixtures.secrets {
        #expect(!outcome.stderr.contains(secret), "secret on stderr", sourceLocation: sourceLocation)
        #expect(!outcome.stdout.contains(secret), "secret on stdout", sourceLocation: sourceLocation)
    }
}
