/// A path as a shell word, for the `fix:` commands in error messages: printed as it is when
/// it holds only safe characters, else single-quoted, so the fix can be pasted as it stands.
public enum ShellQuoting {
    public static func quoted(_ path: String) -> String {
        let plain = !path.isEmpty && path.allSatisfy { $0.isLetter || $0.isNumber || "/._-+,:@%".contains($0) }
        if plain { return path }
        var word = "'"
        for character in path {
            if character == "'" { word += "'\\''" } else { word.append(character) }
        }
        return word + "'"
    }
}
