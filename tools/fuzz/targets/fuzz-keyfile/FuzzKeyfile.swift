@testable import TokenVault

/// The keyfile text format: prefix, 64 hex digits, an optional line end.
func fuzzKeyfile(_ input: UnsafeRawBufferPointer) {
    _ = try? KeyfileFormat.parse(input, path: "fuzz")
}
