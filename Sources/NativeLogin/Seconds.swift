/// Arithmetic on Unix times that cannot trap. Expiry times come from storage files and server
/// answers, and validation accepts any 64-bit value, so a sum is clamped to `Int`'s range
/// rather than allowed to overflow.
enum Seconds {
    static func adding(_ seconds: Int, to time: Int) -> Int {
        let (sum, overflowed) = time.addingReportingOverflow(seconds)
        guard overflowed else { return sum }
        return seconds > 0 ? .max : .min
    }
}
