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

    /// The JSON writers print numbers two digits at a time: every length, both signs and the
    /// ends of the range come out as Swift (and Python) print them.
    @Test func exportAndShowPrintEveryExpiryExactly() throws {
        let values = [0, 9, 10, 99, 100, 101, 999, 1000, 1001, 4_102_444_800, 999_999_999_999_999_999,
                      1_000_000_000_000_000_000, -1, -9, -10, -99, -100, -101, -4_102_444_800, Int.min, Int.max]
        let box = Sandbox()
        let key = box.makeKeyfileVault()
        let sets = values.enumerated().map { index, value in
            Fixtures.tokenSet("rs\(index).example.org", scope: "s", expiresAt: value)
        }
        box.write("{" + sets.joined(separator: ",\n") + "}", to: "expiries.json")
        expectSuccess(box.run(["import", box.path("expiries.json"), "--vault", box.vault, "--keyfile", key]))
        for verb in [["export"], ["show", "--json"]] {
            let json = box.run(verb + ["--vault", box.vault, "--keyfile", key])
            expectSuccess(json)
            for value in values {
                #expect(json.stdout.contains("\"expires_at_seconds\": \(value),\n"), "\(verb): \(value)")
            }
        }
    }
}
