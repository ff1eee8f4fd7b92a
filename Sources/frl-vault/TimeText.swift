/// Expiry times as people and scripts read them: ISO 8601 in UTC, and relative to now.
enum TimeText {
    /// `2024-05-01T12:00:00Z`. Computed from the epoch seconds directly (days to civil date),
    /// which keeps the CLI off Foundation's calendar machinery.
    static func iso8601(_ epochSeconds: Int) -> String {
        var output = OutputBytes()
        writeISO8601(epochSeconds, to: &output)
        return output.text
    }

    /// `iso8601` appended to a report being built, with no String in between (a thousand
    /// rows each formatting a date was a hot spot).
    static func writeISO8601(_ epochSeconds: Int, to output: inout OutputBytes) {
        // Floor division by remainder, not by `epochSeconds - 86_399`, which overflows near
        // Int.min: every Int the token format accepts must print.
        var days = epochSeconds / 86_400
        var secondsOfDay = epochSeconds % 86_400
        if secondsOfDay < 0 {
            days -= 1
            secondsOfDay += 86_400
        }
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        output.append(decimal: year, minimumDigits: 4)
        output.append(byte: UInt8(ascii: "-"))
        output.append(decimal: month, minimumDigits: 2)
        output.append(byte: UInt8(ascii: "-"))
        output.append(decimal: day, minimumDigits: 2)
        output.append(byte: UInt8(ascii: "T"))
        output.append(decimal: secondsOfDay / 3600, minimumDigits: 2)
        output.append(byte: UInt8(ascii: ":"))
        output.append(decimal: secondsOfDay % 3600 / 60, minimumDigits: 2)
        output.append(byte: UInt8(ascii: ":"))
        output.append(decimal: secondsOfDay % 60, minimumDigits: 2)
        output.append(byte: UInt8(ascii: "Z"))
    }

    /// "in 1h 5m", "expired 3d 2h ago", "expired just now".
    static func writeRelative(expiresAt: Int, now: Int, to output: inout OutputBytes) {
        let delta = secondsBetween(now, expiresAt)
        if delta > 0 {
            output.append("in ")
            writeDuration(delta, to: &output)
        } else if delta == 0 {
            output.append("expired just now")
        } else {
            output.append("expired ")
            writeDuration(delta == .min ? .max : -delta, to: &output)
            output.append(" ago")
        }
    }

    /// `end - start`, clamped to Int's range instead of trapping (expiry times come from
    /// files and may be any 64-bit value).
    static func secondsBetween(_ start: Int, _ end: Int) -> Int {
        let (difference, overflow) = end.subtractingReportingOverflow(start)
        guard overflow else { return difference }
        return end < start ? .min : .max
    }

    /// The two largest units: "2d 3h", "4h 10m", "5m 2s", "40s".
    static func duration(_ seconds: Int) -> String {
        var output = OutputBytes()
        writeDuration(seconds, to: &output)
        return output.text
    }

    static func writeDuration(_ seconds: Int, to output: inout OutputBytes) {
        var written = 0
        var rest = seconds
        for (name, size) in durationUnits where rest >= size || (size == 1 && written == 0) {
            if written > 0 { output.append(byte: UInt8(ascii: " ")) }
            output.append(decimal: rest / size)
            output.append(byte: name)
            rest %= size
            written += 1
            if written == 2 { break }
        }
    }

    private static let durationUnits: [(UInt8, Int)] = [
        (UInt8(ascii: "d"), 86_400), (UInt8(ascii: "h"), 3600), (UInt8(ascii: "m"), 60), (UInt8(ascii: "s"), 1),
    ]

    /// Proleptic Gregorian date from days since 1970-01-01 (the well-known era algorithm).
    private static func civilDate(daysSinceEpoch: Int) -> (Int, Int, Int) {
        let shifted = daysSinceEpoch + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}
