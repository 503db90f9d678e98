import Domain
import HTTP1
import HTTPServer
import JSON
import Logging

/// `GET /oauth2/callback?code=…&state=…`: where the provider sends the end user back. The `state` alone authorises
/// it (no other authentication): it is spent, the code is exchanged at the client credential's own `tokenUrl`
/// with its secret and the PKCE verifier, and the end user's connection is made or rebound. The outcome goes to
/// the state's `returnUrl` (303) or, without one, into a small HTML page (200 / 400).
enum OAuth2CallbackRoute {
    static let path = "/oauth2/callback"

    static func handle(_ request: Request, context: AppContext) async -> Response {
        guard let state = request.queryValue("state"), !state.isEmpty else {
            return OAuth2CallbackAnswer.page(.failure(error: "invalid_request", description: "the callback has no state"))
        }
        let claim: OAuth2StateStore.Claim
        do {
            claim = try await OAuth2StateStore.claim(state: state, database: context.database)
        } catch {
            context.logger.error("could not read an OAuth 2.0 state", metadata: ["error": "\(type(of: error))"])
            return OAuth2CallbackAnswer.page(.failure(error: "server_error", description: "the authorization could not be read; start again"))
        }
        switch claim {
        case .unknown:
            // Nothing to trust a returnUrl from: answer here.
            return OAuth2CallbackAnswer.page(.failure(error: "invalid_state", description: "this authorization is unknown; start again"))
        case .used(let returnURL):
            return OAuth2CallbackAnswer.answer(
                .failure(error: "invalid_state", description: "this authorization was already used; start again"), returnURL: returnURL)
        case .expired(let returnURL):
            return OAuth2CallbackAnswer.answer(
                .failure(error: "invalid_state", description: "this authorization expired; start again"), returnURL: returnURL)
        case .claimed(let pending):
            let outcome = await complete(pending, request: request, context: context)
            return OAuth2CallbackAnswer.answer(outcome, returnURL: pending.returnURL)
        }
    }

    private static func complete(
        _ pending: OAuth2StateStore.Pending, request: Request, context: AppContext
    ) async -> OAuth2CallbackAnswer.Outcome {
        if let error = request.queryValue("error") {
            return .failure(
                error: OAuth2CallbackAnswer.printable(error, limit: 64).isEmpty ? "access_denied" : OAuth2CallbackAnswer.printable(error, limit: 64),
                description: request.queryValue("error_description").map { OAuth2CallbackAnswer.printable($0, limit: 300) }
                    ?? "the provider did not authorize the connection")
        }
        guard let code = request.queryValue("code"), !code.isEmpty else {
            return .failure(error: "invalid_request", description: "the provider sent neither a code nor an error")
        }
        do {
            let connectionID = try await OAuth2CallbackCompletion(context: context).complete(pending, code: code)
            return .success(connectionID: connectionID)
        } catch let error as OAuthExchangeError {
            if case .rejected(let code, let description) = error {
                return .failure(error: code, description: description ?? error.description)
            }
            return .failure(error: "exchange_failed", description: error.description)
        } catch let error as APIError {
            return .failure(error: "exchange_failed", description: error.message)
        } catch {
            context.logger.error("could not complete an OAuth 2.0 connection", metadata: ["error": "\(type(of: error))"])
            return .failure(error: "server_error", description: "the connection could not be stored; start again")
        }
    }
}

/// How the callback tells its outcome: appended to the `returnUrl`'s own query, or in an HTML page.
enum OAuth2CallbackAnswer {
    enum Outcome: Sendable, Equatable {
        case success(connectionID: String)
        case failure(error: String, description: String)
    }

    static func answer(_ outcome: Outcome, returnURL: String?) -> Response {
        guard let returnURL else { return page(outcome) }
        let pairs: [(String, String)]
        switch outcome {
        case .success(let id): pairs = [("connectionId", id)]
        case .failure(let error, let description): pairs = [("error", error), ("error_description", description)]
        }
        let separator = !returnURL.contains("?") ? "?" : (returnURL.hasSuffix("?") || returnURL.hasSuffix("&") ? "" : "&")
        return Response(
            status: HTTPStatus(code: 303, reasonPhrase: "See Other"),
            headers: ["Location": returnURL + separator + FormEncoding.encode(pairs), "Cache-Control": "no-store"])
    }

    static func page(_ outcome: Outcome) -> Response {
        let (status, title, text): (HTTPStatus, String, String)
        switch outcome {
        case .success(let id): (status, title, text) = (.ok, "Connected", "The connection is ready (\(id)). You can close this window.")
        case .failure(let error, let description): (status, title, text) = (.badRequest, "Not connected", "\(error): \(description)")
        }
        let html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>\(escaped(title))</title></head>
            <body><h1>\(escaped(title))</h1><p>\(escaped(text))</p></body></html>

            """
        return Response(
            status: status,
            headers: [
                "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store",
                "Content-Security-Policy": "default-src 'none'",
            ],
            body: Array(html.utf8))
    }

    /// Printable ASCII only (what RFC 6749 §4.1.2.1 allows in `error` and `error_description`), bounded.
    static func printable(_ text: String, limit: Int) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { (0x20...0x7E).contains($0.value) }.prefix(limit)))
    }

    private static func escaped(_ text: String) -> String {
        var output = ""
        for character in text {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default: output.append(character)
            }
        }
        return output
    }
}
