#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// Expiry times anywhere in the 64-bit range that the token format accepts print instead
/// of trapping on overflow.
@Suite struct ExpiryExtremesTests {
    @Test func expiryAtTheEndsOfTheIntegerRangePrintsInsteadOfTrapping() throws {
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        box.write("{" + Fixtures.tokenSet("past.example.org", scope: "a", expiresAt: Int.min) + ",\n"
                  + Fixtures.tokenSet("future.example.org", scope: "b", expiresAt: Int.max) + "}", to: "extreme.json")
        expectSuccess(box.run(["import", box.path("extreme.json"), "--vault", box.vault, "--keyfile", key]))

        for verb in [["status"], ["show"]] {
            let text = box.run(verb + ["--vault", box.vault, "--keyfile", key])
            expectSuccess(text)
            #expect(text.stdout.contains("-292277022657-01-27T08:29:52Z (expired "), "\(verb): \(text.stdout)")
            #expect(text.stdout.contains("292277026596-12-04T15:30:07Z (in "), "\(verb): \(text.stdout)")
            expectNoSecrets(text)
        }
        let json = box.run(["status", "--json", "--vault", box.vault, "--keyfile", key])
        expectSuccess(json)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let sets = try #require((object["namespaces"] as? [String: [String: [String: Any]]])?["tokens"])
        let now = try #require(object["now_seconds"] as? Int)
        #expect(sets["past.example.org"]?["expires_in_seconds"] as? Int == Int.min)
        #expect(sets["past.example.org"]?["expired"] as? Bool == true)
        #expect(sets["future.example.org"]?["expires_in_seconds"] as? Int == Int.max - now)
        #expect(sets["future.example.org"]?["expires_at"] as? String == "292277026596-12-04T15:30:07Z")
        expectSuccess(box.run(["verify", "--vault", box.vault, "--keyfile", key]))
    }
}
