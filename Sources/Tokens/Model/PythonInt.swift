/// Python's `int(x)` as `verify_token_group` applies it to `expires_at_seconds`.
///
/// Accepts what Python accepts and Swift can hold: integers, booleans (`int(True) == 1`),
/// floats truncated toward zero (`int(123.456) == 123`), and strings of decimal digits with
/// optional surrounding whitespace, one sign and single underscores between digits
/// (`int(" -1_000 ") == -1000`). Rejects what Python rejects ("abc", "123abc", "1.5", "")
/// and, where Python would crash or grow unbounded, returns nil too (None, NaN, infinity,
/// values beyond 64 bits).
enum PythonInt {
    static func convert(_ value: JSONValue) -> Int? {
        switch value {
        case .int(let number): return number
        case .bool(let flag): return flag ? 1 : 0
        case .double(let number): return truncating(number)
        case .string(let text): return parse(text)
        case .null, .array, .object, .opaque: return nil
        }
    }

    static func truncating(_ number: Double) -> Int? {
        guard number.isFinite else { return nil }
        let truncated = number.rounded(.towardZero)
        // Int(exactly:) refuses 2^63, which Double can hold but Int cannot.
        return Int(exactly: truncated)
    }

    static func parse(_ text: String) -> Int? {
        var scalars = Substring(text).unicodeScalars[...]
        while let first = scalars.first, isPythonSpace(first) { scalars.removeFirst() }
        while let last = scalars.last, isPythonSpace(last) { scalars.removeLast() }
        var negative = false
        if let sign = scalars.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            scalars.removeFirst()
        }
        // Accumulated as a negative number, whose range reaches Int.min: "-9223372036854775808"
        // fits in 64 bits, its magnitude does not.
        var negated = 0
        var sawDigit = false
        var previousWasUnderscore = false
        for scalar in scalars {
            if scalar == "_" {
                // Python allows "1_000" but not "_1", "1_", or "1__0".
                guard sawDigit, !previousWasUnderscore else { return nil }
                previousWasUnderscore = true
                continue
            }
            guard let digit = decimalDigit(scalar) else { return nil }
            let (shifted, overflow1) = negated.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = shifted.subtractingReportingOverflow(digit)
            guard !overflow1, !overflow2 else { return nil }
            negated = sum
            sawDigit = true
            previousWasUnderscore = false
        }
        guard sawDigit, !previousWasUnderscore else { return nil }
        if negative { return negated }
        return negated == Int.min ? nil : -negated
    }

    /// Any Unicode decimal digit (Python's `int` accepts "١٢٣" too).
    private static func decimalDigit(_ scalar: Unicode.Scalar) -> Int? {
        guard scalar.properties.numericType == .decimal, let value = scalar.properties.numericValue else {
            return nil
        }
        return Int(value)
    }

    /// Python's `str.isspace`: Unicode White_Space plus the separators U+001C...U+001F.
    static func isPythonSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || (0x1C...0x1F).contains(scalar.value)
    }
}
