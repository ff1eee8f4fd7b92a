/// Every file operation of the package, behind one wall: reads with a size cap, atomic
/// replacement, exclusive creation and overwrite-then-remove. Callers never touch file
/// descriptors themselves.
public enum SecureFile {
    /// Default cap on reads: far above any token file, far below what would exhaust memory.
    public static let defaultReadLimit = 64 << 20
}

/// Splits a path into its directory and last component, as dirname(3)/basename(3) would.
struct PathParts {
    let directory: String
    let name: String

    init(_ path: String) {
        if let slash = path.lastIndex(of: "/") {
            let dir = String(path[..<slash])
            directory = dir.isEmpty ? "/" : dir
            name = String(path[path.index(after: slash)...])
        } else {
            directory = "."
            name = path
        }
    }
}

/// The names of `writeAtomically`'s temp files: "." + name + ".tmp-" + 16 lowercase hex digits.
/// Written once, because `leftoverTempFiles` must recognise exactly what the writers create.
enum TempName {
    static let suffixLength = 16

    static func prefix(for name: String) -> String { "." + name + ".tmp-" }

    /// A file taken away from its name to be overwritten: "." + name + ".wipe-" + 16 hex digits.
    static func wipePrefix(for name: String) -> String { "." + name + ".wipe-" }

    static func isWipeName(_ name: String) -> Bool {
        let suffix = name.suffix(suffixLength)
        let head = name.dropLast(suffixLength)
        return name.hasPrefix(".") && head.hasSuffix(".wipe-") && head.count > ".wipe-".count + 1
            && suffix.count == suffixLength && suffix.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }
}
