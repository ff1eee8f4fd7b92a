/// Expiry times as people and scripts read them: ISO 8601 in UTC, and relative to now.
enum TimeText {
    /// `2024-05-01T12:00:00Z`. Computed from the epoch seconds directly (days to civil date),
    /// which keeps the CLI off Foundation's calendar machinery.
    static func iso8601(_ epochSeconds: Int) -> String {
        // Floor division by remainder, not by `epochSeconds - 86_399`, which overflows near
        // Int.min: every Int the token format accepts must print.
        var days = epochSeconds / 86_400
        var secondsOfDay = epochSeconds % 86_400
        if secondsOfDay < 0 {
            days -= 1
            secondsOfDay += 86_400
        }
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T"
            + "\(pad(secondsOfDay / 3600, 2)):\(pad(secondsOfDay % 3600 / 60, 2)):\(pad(secondsOfDay % 60, 2))Z"
    }

    /// "in 1h 5m", "expired 3d 2h ago", "expired just now".
    static func relative(expiresAt: Int, now: Int) -> String {
        let delta = secondsBetween(now, expiresAt)
        if delta > 0 { return "in \(duration(delta))" }
        if delta == 0 { return "expired just now" }
        return "expired \(duration(delta == .min ? .max : -delta)) ago"
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
        let units: [(String, Int)] = [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)]
        var parts: [String] = []
        var rest = seconds
        for (name, size) in units where rest >= size || (name == "s" && parts.isEmpty) {
            parts.append("\(rest / size)\(name)")
            rest %= size
            if parts.count == 2 { break }
        }
        return parts.joined(separator: " ")
    }

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

    private static func pad(_ number: Int, _ width: Int) -> String {
        let digits = String(abs(number))
        let padded = String(repeating: "0", count: max(0, width - digits.count)) + digits
        return number < 0 ? "-" + padded : padded
    }
}
