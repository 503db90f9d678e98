import HTTP1

/// Headers that belong to one connection, not to the message (RFC 9110 §7.6.1), and so never cross the proxy in
/// either direction: the fixed list plus every name the `Connection` field lists.
enum HopByHopHeaders {
    static let fixed = [
        "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade",
    ]

    /// Names the proxy never forwards upstream beside the hop-by-hop ones: framing and `Host` are the outbound
    /// client's, `Expect` was answered by this server, `Authorization` is the caller's own credential (the
    /// binding's replaces it), `Connection-Binding` is addressed to the proxy, and the trace context goes as our
    /// own child span (`HTTPClient` stamps it), never as the caller sent it.
    static let requestOnly = [
        "host", "content-length", "expect", "authorization", "connection-binding", "traceparent", "tracestate",
    ]

    /// Names the proxy never relays back beside the hop-by-hop ones: framing is this server's to say.
    static let responseOnly = ["content-length"]

    /// `headers` without the hop-by-hop fields and without `alsoDropping` (lower-cased names). Names are compared
    /// in place, ignoring ASCII case, lengths first: no lower-cased copy or hash per field of every proxied message.
    static func endToEnd(_ headers: HeaderFields, alsoDropping: [String]) -> HeaderFields {
        let listed = headers.listElements(of: "Connection").map(String.init)
        var kept = HeaderFields()
        kept.reserveCapacity(headers.count)
        for field in headers {
            let name = field.name
            guard !fixed.containsName(name), !alsoDropping.containsName(name), !listed.containsName(name) else { continue }
            kept.add(name: name, value: field.value)
        }
        return kept
    }
}
