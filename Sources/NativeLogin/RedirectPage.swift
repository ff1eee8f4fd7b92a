/// The small page the local server shows in the browser after the redirect: the app's name and
/// whether the login worked. Every inserted text is HTML-escaped, because the error text comes
/// from the redirect's query string, which anyone can craft.
public struct RedirectPage: Sendable {
    /// A line shown under the result (Python's `post_login_message`).
    public var postLoginMessage: String

    public init(postLoginMessage: String = "") {
        self.postLoginMessage = postLoginMessage
    }

    public enum Outcome: Sendable, Equatable {
        case success
        case failure(reason: String)
    }

    public func render(appName: String, outcome: Outcome) -> String {
        let result: String
        let reason: String
        switch outcome {
        case .success:
            result = "Login Successful"
            reason = ""
        case .failure(let text):
            result = "Login Failed"
            reason = text
        }
        let name = HTML.escape(appName)
        return """
        <!DOCTYPE html>
        <html lang="en-US">
        <head>
          <meta charset="utf-8">
          <title>\(name) Login</title>
          <style>
            body { font: 16px "Helvetica Neue", Arial, Helvetica, sans-serif; margin: 0; }
            header { background: #2e5793; color: #fff; padding: 12px 24px; font-size: 20px; }
            main { max-width: 560px; margin: 24px auto; color: #333; line-height: 150%; }
            h1 { border-bottom: solid 1px #aaa; font-weight: normal; }
          </style>
        </head>
        <body>
          <header>Globus</header>
          <main>
            <h1>\(name)</h1>
            <p id="result">\(result). You may close this tab.</p>
            <p id="error">\(HTML.escape(reason))</p>
            <p>\(HTML.escape(postLoginMessage))</p>
          </main>
        </body>
        </html>

        """
    }
}

enum HTML {
    /// Escapes the five characters that matter in element content and quoted attributes.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }
}
