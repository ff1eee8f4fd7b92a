@testable import NativeLogin
import Testing

@Suite("Local server decisions and page")
struct RedirectPageTests {
    private let state = "expected-state"

    @Test func codeWithTheRightStateIsTheAnswer() {
        #expect(RedirectOutcome.evaluate(target: "/?code=abc123&state=expected-state", expectedState: state) == .answer(.success("abc123")))
    }

    @Test(arguments: ["/?code=abc", "/?code=abc&state=other", "/?code=abc&state=", "/?state=expected-statex&code=abc"])
    func codeWithoutTheRightStateIsAMismatch(target: String) {
        #expect(RedirectOutcome.evaluate(target: target, expectedState: state) == .answer(.failure(.stateMismatch)))
    }

    @Test func malformedCodeIsRefused() {
        #expect(RedirectOutcome.evaluate(target: "/?code=a%20b&state=expected-state", expectedState: state) == .answer(.failure(.malformedCode)))
        #expect(RedirectOutcome.evaluate(target: "/?code=&state=expected-state", expectedState: state) == .answer(.failure(.malformedCode)))
    }

    @Test func errorRedirects() {
        #expect(RedirectOutcome.evaluate(target: "/?error=access_denied&state=expected-state", expectedState: state)
                == .answer(.failure(.authorizationDenied(error: "access_denied", detail: nil))))
        #expect(RedirectOutcome.evaluate(target: "/?error=access_denied", expectedState: state)
                == .answer(.failure(.authorizationDenied(error: "access_denied", detail: nil))), "an error without state is still an error")
        #expect(RedirectOutcome.evaluate(target: "/?error=access_denied&state=forged", expectedState: state)
                == .answer(.failure(.stateMismatch)))
        let long = String(repeating: "x", count: 500)
        #expect(RedirectOutcome.evaluate(target: "/?error=e%0A%1B[31m&error_description=line%0Abreak%07\(long)", expectedState: state)
                == .answer(.failure(.authorizationDenied(error: "e[31m", detail: "linebreak" + String(repeating: "x", count: 191)))),
                "control characters are dropped and the text is shortened")
    }

    @Test(arguments: ["/favicon.ico", "/", "/?", "/?foo=bar", "/robots.txt?code=a&state=expected-state", "//?code=a", "*", ""])
    func unrelatedRequests(target: String) {
        #expect(RedirectOutcome.evaluate(target: target, expectedState: state) == .unrelated)
    }

    @Test func pageEscapesEverythingItInserts() {
        let page = RedirectPage(postLoginMessage: "<script>alert(1)</script>")
            .render(appName: "A<pp> \"&' B", outcome: .failure(reason: "<img src=x onerror=alert(1)>"))
        #expect(page.contains("A&lt;pp&gt; &quot;&amp;&#39; B"))
        #expect(page.contains("&lt;img src=x onerror=alert(1)&gt;"))
        #expect(page.contains("&lt;script&gt;"))
        #expect(!page.contains("<img"))
        #expect(!page.contains("<script"))
        #expect(page.contains("Login Failed"))
        #expect(RedirectPage().render(appName: "App", outcome: .success).contains("Login Successful. You may close this tab."))
    }
}
