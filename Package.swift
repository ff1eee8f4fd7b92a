// swift-tools-version:6.0
import PackageDescription

// tools/build-release.sh builds the static binary with FRL_VAULT_STATIC_RELEASE=1: without
// NativeLogin, whose HTTPS client (Foundation's URLSession, over libcurl) cannot be linked
// statically. Its login verbs hand over to `frl-vault-login`, the same program built as usual
// and installed beside it (Sources/frl-vault/LoginCompanion.swift). Every other build, `swift
// build` and the tests included, is the whole program in one binary.
let staticRelease = Context.environment["FRL_VAULT_STATIC_RELEASE"] == "1"

// Layers point one way: CSodium <- VaultCrypto <- TokenVault -> Tokens -> SecureFiles.
// The storage libraries never import networking; only NativeLogin and the CLI add dependencies.
let package = Package(
    name: "frl-vault",
    products: [
        .library(name: "Tokens", targets: ["Tokens"]),
        .library(name: "TokenVault", targets: ["TokenVault"]),
        .library(name: "NativeLogin", targets: ["NativeLogin"]),
        .executable(name: "frl-vault", targets: ["frl-vault"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]
        ),
        // prctl(2), header-only so that static builds have it too (VaultCrypto's CoreDumps).
        .systemLibrary(name: "CProcessControl"),
        .target(name: "VaultCrypto", dependencies: ["CSodium", "CProcessControl"]),
        .target(name: "SecureFiles"),
        .target(name: "Tokens", dependencies: ["SecureFiles"]),
        .target(name: "TokenVault", dependencies: ["VaultCrypto", "Tokens", "SecureFiles"]),
        .target(
            name: "NativeLogin",
            dependencies: [
                "Tokens", "TokenVault", "VaultCrypto",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "frl-vault",
            dependencies: [
                "TokenVault", "Tokens", "VaultCrypto", "SecureFiles",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ] + (staticRelease ? [] : ["NativeLogin"]),
            swiftSettings: staticRelease ? [.define("FRL_VAULT_STATIC_RELEASE")] : []
        ),
        .executableTarget(
            name: "vault-child", dependencies: ["TokenVault", "Tokens"], path: "Tests/Children/vault-child"),
        .executableTarget(
            name: "login-child", dependencies: ["NativeLogin", "TokenVault", "Tokens", "VaultCrypto"],
            path: "Tests/Children/login-child"),
        .executableTarget(
            name: "umask-child", dependencies: ["Tokens", "SecureFiles"], path: "Tests/Children/umask-child"),
        .executableTarget(
            name: "vault-bench", dependencies: ["TokenVault", "Tokens", "VaultCrypto", "SecureFiles"],
            path: "tools/bench/vault-bench"),
        .testTarget(name: "SecureFilesTests", dependencies: ["SecureFiles"]),
        .testTarget(name: "VaultCryptoTests", dependencies: ["VaultCrypto"]),
        .target(name: "StorageContract", dependencies: ["Tokens"], path: "Tests/Support/StorageContract"),
        .testTarget(name: "TokensTests", dependencies: ["Tokens", "SecureFiles", "StorageContract"], exclude: ["Fixtures"]),
        .testTarget(name: "TokenVaultTests", dependencies: ["TokenVault", "VaultCrypto", "Tokens", "SecureFiles", "StorageContract"]),
        // A Globus-Auth-like server on 127.0.0.1 for the login tests of the library and the CLI.
        .target(
            name: "FakeAuthServer",
            dependencies: [
                "VaultCrypto",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/Support/FakeAuthServer"),
        .testTarget(
            name: "NativeLoginTests",
            dependencies: [
                "NativeLogin", "Tokens", "TokenVault", "VaultCrypto", "StorageContract", "FakeAuthServer",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "FrlVaultCLITests", dependencies: ["SecureFiles", "FakeAuthServer"]),
    ],
    swiftLanguageModes: [.v6]
)

// Test vectors are data files the tests find through #filePath, neither sources nor bundled
// resources. (Kept apart from the target lines above so branches editing those merge cleanly.)
for target in package.targets where ["VaultCryptoTests", "TokenVaultTests"].contains(target.name) {
    target.exclude.append("Vectors")
}

// libFuzzer targets (tools/fuzz): only with FRL_VAULT_FUZZ=1, built with
// -sanitize=fuzzer,address -enable-testing by tools/fuzz/run.sh. They call libFuzzer's driver,
// which only that build links in, so an ordinary build must not see them.
if Context.environment["FRL_VAULT_FUZZ"] == "1" {
    package.targets.append(.target(name: "FuzzDriver", path: "tools/fuzz/FuzzDriver"))
    for (name, dependencies) in [
        ("fuzz-vault-file", ["TokenVault", "VaultCrypto"]),
        ("fuzz-vault-plaintext", ["TokenVault", "Tokens", "VaultCrypto"]),
        ("fuzz-import-json", ["Tokens"]),
        ("fuzz-import-ini", ["Tokens"]),
        ("fuzz-keyfile", ["TokenVault"]),
    ] {
        package.targets.append(.executableTarget(
            name: name, dependencies: (["FuzzDriver"] + dependencies).map { .target(name: $0) },
            path: "tools/fuzz/targets/\(name)"))
    }
}
