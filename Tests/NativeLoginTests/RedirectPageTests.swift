@testable import NativeLogin
import Testing

@Suite("Local server decisions and page")
struct RedirectPageTests {
    private let state = "expected-state"

    @Test func codeWithTheRightStateIsTheAnswer() {
        #expect(RedirectOutcome.evaluate(target: "/?code=abc123&state=expected-state", expectedState: state) == .answer(.success("abc123")))
    }

    /// Anyone can send these (a local process, a web page the user has open): they must not end
    /// the login, so they are not an answer at all.
    @Test(arguments: [
        "/?code=abc", "/?code=abc&state=other", "/?code=abc&state=", "/?state=expected-statex&code=abc",
        "/?code=a%20b&state=other", "/?error=access_denied", "/?error=access_denied&state=forged",
        "/?error=&state=", "/?state=expected-state%00&error=x", "/?code=abc&state=EXPECTED-STATE",
    ])
    func answersWithoutTheRightStateAreForeign(target: String) {
        #expect(RedirectOutcome.evaluate(target: target, expectedState: state) == .foreign)
    }

    @Test func malformedCodeIsRefused() {
        #expect(RedirectOutcome.evaluate(target: "/?code=a%20b&state=expected-state", expectedState: state) == .answer(.failure(.malformedCode)))
        #expect(RedirectOutcome.evaluate(target: "/?code=&state=expected-state", expectedState: state) == .answer(.failure(.malformedCode)))
    }

    @Test func errorRedirects() {
        #expect(RedirectOutcome.evaluate(target: "/?error=access_denied&state=expected-state", expectedState: state)
                == .answer(.failure(.authorizationDenied(error: "access_denied", detail: nil))))
        let long = String(repeating: "x", count: 500)
        #expect(RedirectOutcome.evaluate(target: "/?error=e%0A%1B[31m&error_description=line%0Abreak%07\(long)&state=expected-state", expectedState: state)
                == .answer(.failure(.authorizationDenied(error: "e[31m", detail: "linebreak" + String(repeating: "x", count: 191)))),
                "control characters are dropped and the text is shortened")
    }

    @Test(arguments: ["/favicon.ico", "/", "/?", "/?foo=bar", "/robots.txt?code=a&state=expected-state", "//?code=a", "*", ""])
    func unrelatedRequests(target: String) {
        #expect(RedirectOutcome.evaluate(target: target, expectedState: state) == .unrelated)
    }

    @Test func timeoutTextsNameTheWait() {
        #expect(LocalServerError.timedOut(seconds: 3600).description == "no login redirect arrived within 3600 seconds")
        #expect(LocalServerError.timedOut(seconds: 0.25).description == "no login redirect arrived within 0.25 seconds")
        #expect(LocalServerError.timedOut(seconds: .infinity).description == "no login redirect arrived within inf seconds")
        #expect(LocalServerError.stateMismatch(ignoredRequests: 1, seconds: 1).description
                == "no login redirect with this login's state arrived within 1 second; 1 with a missing or wrong state was ignored")
        #expect(LocalServerError.stateMismatch(ignoredRequests: 3, seconds: 1e300).description.hasSuffix("3 with a missing or wrong state were ignored"))
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
