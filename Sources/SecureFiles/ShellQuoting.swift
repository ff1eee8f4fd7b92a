/// A path as a shell word, for the `fix:` commands in error messages: printed as it is when
/// every byte is a safe ASCII character, else single-quoted, so the fix can be pasted as it
/// stands. Judged byte by byte: compared as Characters, a `'` followed by a combining mark is
/// not `'`, and would close the quotes unescaped.
public enum ShellQuoting {
    public static func quoted(_ path: String) -> String {
        let plain = !path.isEmpty && path.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || "/._-+,:@%".utf8.contains(byte)
        }
        if plain { return path }
        var word: [UInt8] = [UInt8(ascii: "'")]
        for byte in path.utf8 {
            if byte == UInt8(ascii: "'") { word += Array("'\\''".utf8) } else { word.append(byte) }
        }
        word.append(UInt8(ascii: "'"))
        return String(decoding: word, as: UTF8.self)
    }
}
