#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// Each verb's happy path and its documented refusals.
@Suite struct VerbTests {
    @Test func keygenWritesAPrivateKeyfileAndNeverOverwrites() {
        let box = Sandbox()
        expectSuccess(box.run(["keygen", box.path("key")]))
        #expect(box.mode("key") == 0o600)
        let before = box.read("key")
        expectFailure(box.run(["keygen", box.path("key")]), 73, mentioning: [box.path("key")])
        #expect(box.read("key") == before)
        expectFailure(box.run(["keygen"]), 64)
    }

    @Test func initRefusesAnExistingVaultUnlessForced() {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        box.importFixture(["--keyfile", key])
        let before = box.read(box.vault)
        expectFailure(box.run(["init", "--vault", box.vault, "--keyfile", key]), 73, mentioning: [box.vault])
        #expect(box.read(box.vault) == before)
        expectSuccess(box.run(["init", "--vault", box.vault, "--keyfile", key, "--force", "--yes"]))
        let export = box.run(["export", "--vault", box.vault, "--keyfile", key])
        #expect(export.stdout == "{}\n")
    }

    @Test func kdfIsRefusedForAKeyfile() {
        let box = Sandbox()
        expectSuccess(box.run(["keygen", box.path("key")]))
        expectFailure(box.run(["init", "--vault", box.vault, "--keyfile", box.path("key"), "--kdf", "sensitive"]), 64, mentioning: ["--kdf"])
        expectFailure(box.run(["init", "--vault", box.vault, "--keyfile", box.path("key"), "--kdf", "extreme"]), 64)
        #expect(!box.exists(box.vault))
    }

    @Test func statusWithoutAKeyShowsOnlyTheHeader() throws {
        let box = Sandbox()
        box.makePassphraseVault()
        let text = box.run(["status", "--vault", box.vault])
        expectSuccess(text)
        #expect(text.stdout.contains("argon2id") && text.stdout.contains("interactive") && text.stdout.contains("no key given"))
        let json = box.run(["status", "--vault", box.vault, "--json"])
        expectSuccess(json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["path", "format_version", "kdf", "file_size", "unlocked", "now_seconds", "namespaces"])
        #expect(object["unlocked"] as? Bool == false)
        #expect(object["namespaces"] is NSNull)
        let kdf = try #require(object["kdf"] as? [String: Any])
        #expect(kdf["algorithm"] as? String == "argon2id")
        #expect(kdf["preset"] as? String == "interactive")
        #expect(kdf["ops_limit"] as? Int == 2 && kdf["mem_limit_bytes"] as? Int == 64 << 20)
    }

    @Test func statusWithAKeyListsScopesExpiryAndRefreshButNoTokenValue() throws {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        box.importFixture(["--keyfile", key])
        let text = box.run(["status", "--vault", box.vault, "--keyfile", key])
        expectSuccess(text)
        expectNoSecrets(text)
        #expect(text.stdout.contains("urn:globus:auth:scope:transfer.api.globus.org:all"))
        #expect(text.stdout.contains("2020-09-13T12:26:40Z (expired "))
        #expect(text.stdout.contains("2100-01-01T00:00:00Z (in "))

        let json = box.run(["status", "--vault", box.vault, "--keyfile", key, "--json"])
        expectSuccess(json)
        expectNoSecrets(json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["unlocked"] as? Bool == true)
        let namespaces = try #require(object["namespaces"] as? [String: [String: [String: Any]]])
        let transfer = try #require(namespaces["tokens"]?["transfer.api.globus.org"])
        #expect(Set(transfer.keys) == ["resource_server", "scopes", "expires_at_seconds", "expires_at", "expires_in_seconds", "expired", "refresh_token_present"])
        #expect(transfer["expired"] as? Bool == true)
        #expect(transfer["refresh_token_present"] as? Bool == true)
        #expect(transfer["expires_at"] as? String == "2020-09-13T12:26:40Z")
        #expect(transfer["scopes"] as? [String] == ["urn:globus:auth:scope:transfer.api.globus.org:all"])
        let auth = try #require(namespaces["tokens"]?["auth.globus.org"])
        #expect(auth["expired"] as? Bool == false)
        #expect(auth["refresh_token_present"] as? Bool == false)
        #expect(auth["scopes"] as? [String] == ["openid", "profile", "email"])
        // Stable: keys come out sorted, so two runs differ only in the clock.
        let keysInOrder = json.stdout.split(separator: "\n").compactMap { line -> String? in
            let trimmed = line.drop { $0 == " " }
            guard trimmed.hasPrefix("\""), let end = trimmed.dropFirst().firstIndex(of: "\"") else { return nil }
            return String(trimmed[trimmed.index(after: trimmed.startIndex)..<end])
        }
        #expect(Array(keysInOrder.prefix(3)) == ["file_size", "format_version", "kdf"])
    }

    @Test func showRedactsUnlessRevealed() throws {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        box.importFixture(["--keyfile", key])
        let shown = box.run(["show", "--vault", box.vault, "--keyfile", key])
        expectSuccess(shown)
        expectNoSecrets(shown)
        #expect(shown.stdout.contains("[redacted]") && shown.stdout.contains("transfer.api.globus.org"))

        let json = box.run(["show", "--vault", box.vault, "--keyfile", key, "--json"])
        expectSuccess(json)
        expectNoSecrets(json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["revealed"] as? Bool == false)
        let sets = try #require((object["namespaces"] as? [String: [String: [String: Any]]])?["tokens"])
        #expect(sets["transfer.api.globus.org"]?["access_token"] as? String == "[redacted]")
        #expect(sets["transfer.api.globus.org"]?["refresh_token"] as? String == "[redacted]")
        #expect(sets["auth.globus.org"]?["refresh_token"] is NSNull)

        let revealed = box.run(["show", "--vault", box.vault, "--keyfile", key, "--json", "--reveal"])
        expectSuccess(revealed)
        for secret in Fixtures.accessTokens + Fixtures.refreshTokens { #expect(revealed.stdout.contains(secret)) }
        #expect(!revealed.stderr.contains("ACCESS"))
    }

    @Test func removeDropsSetsAllOrNothing() {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        box.importFixture(["--keyfile", key])
        let before = box.run(["export", "--vault", box.vault, "--keyfile", key]).stdout
        expectFailure(box.run(["remove", "auth.globus.org", "nope.example.org", "--vault", box.vault, "--keyfile", key]), 66,
                      mentioning: ["nope.example.org"])
        #expect(box.run(["export", "--vault", box.vault, "--keyfile", key]).stdout == before)
        expectSuccess(box.run(["remove", "auth.globus.org", "--vault", box.vault, "--keyfile", key]))
        let after = box.run(["export", "--vault", box.vault, "--keyfile", key]).stdout
        #expect(!after.contains("auth.globus.org\"") && after.contains("transfer.api.globus.org"))
        expectFailure(box.run(["remove", "--vault", box.vault, "--keyfile", key]), 64)
    }

    @Test func verifyPrintsOneLineVerdict() {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        box.importFixture(["--keyfile", key])
        let verdict = box.run(["verify", "--vault", box.vault, "--keyfile", key])
        expectSuccess(verdict)
        #expect(verdict.stdout.hasPrefix("ok: \(box.vault): 1 namespace, 2 token sets (1 expired)"))
        #expect(verdict.stdout.split(separator: "\n").count == 1)
    }

    @Test func clearNeedsYesWithoutATerminalAndTheRightKey() {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        box.importFixture(["--keyfile", key])
        expectFailure(box.run(["clear", "--vault", box.vault, "--keyfile", key], timeout: 20), 64, mentioning: ["confirmation"])
        #expect(box.exists(box.vault))
        expectSuccess(box.run(["keygen", box.path("other")]))
        expectFailure(box.run(["clear", "--vault", box.vault, "--keyfile", box.path("other"), "--yes"]), 77)
        #expect(box.exists(box.vault))
        expectSuccess(box.run(["clear", "--vault", box.vault, "--keyfile", key, "--yes"]))
        #expect(!box.exists(box.vault))
        #expect(!box.exists(box.vault + ".lock"))
        expectFailure(box.run(["clear", "--vault", box.vault, "--keyfile", key, "--yes"]), 66)
    }

    @Test func clearWithoutKeyWipesOnlyAVaultFileOfOurs() {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        box.importFixture(["--keyfile", key])
        expectFailure(box.run(["clear", "--without-key", "--vault", box.vault], timeout: 20), 64, mentioning: ["confirmation"])
        #expect(box.exists(box.vault))
        let stranger = box.path("notes.txt")
        box.write("not a vault, keep me", to: "notes.txt")
        expectFailure(box.run(["clear", "--without-key", "--yes", "--vault", stranger]), 65)
        #expect(box.exists(stranger))
        // The key is gone: the vault can still be wiped, and nothing of it is left.
        expectSuccess(box.run(["clear", "--without-key", "--yes", "--vault", box.vault]))
        #expect(!box.exists(box.vault))
        #expect(!box.exists(box.vault + ".lock"))
    }

    @Test func helpDocumentsVerbsAndExitStatuses() {
        let box = Sandbox()
        let help = box.run(["--help"])
        expectSuccess(help)
        for text in ["EXIT STATUS", "64", "65", "66", "73", "75", "77", "78", "init", "keygen", "status", "show",
                     "import", "export", "remove", "rekey", "verify", "clear", "$FRL_VAULT_PASSCOMMAND"] {
            #expect(help.stdout.contains(text), "help lacks \(text)")
        }
        expectSuccess(box.run(["rekey", "--help"]))
    }
}
