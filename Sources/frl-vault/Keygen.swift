internal import ArgumentParser
internal import TokenVault

/// `keygen`: a new random keyfile, mode 0600, never over an existing file.
struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Write a new keyfile (mode 0600); refuses to overwrite.",
        discussion: "Keep the keyfile away from the vault: whoever has both has the tokens.")

    @Argument(help: ArgumentHelp("Where to write the keyfile.", valueName: "path"))
    var path: String

    func run() throws {
        try Keyfile.generate(at: path)
        Posix.writeStandardOutput("wrote keyfile \(path)\n")
    }
}
