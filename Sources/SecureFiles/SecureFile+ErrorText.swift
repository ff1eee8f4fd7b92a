extension SecureFile {
    /// strerror's text for `errno`, lowercased, for callers that keep only the number.
    public static func errorText(for errno: Int32) -> String {
        SystemCall.message(for: errno)
    }
}
