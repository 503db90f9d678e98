import HTTP1

/// Headers that belong to one connection, not to the message (RFC 9110 §7.6.1), and so never cross the proxy in
/// either direction: the fixed list plus every name the `Connection` field lists.
enum HopByHopHeaders {
    static let fixed: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade",
    ]

    /// Names the proxy never forwards upstream beside the hop-by-hop ones: framing and `Host` are the outbound
    /// client's, `Expect` was answered by this server, `Authorization` is the caller's own credential (the
    /// binding's replaces it), `Connection-Binding` is addressed to the proxy, and the trace context goes as our
    /// own child span (`HTTPClient` stamps it), never as the caller sent it.
    static let requestOnly: Set<String> = [
        "host", "content-length", "expect", "authorization", "connection-binding", "traceparent", "tracestate",
    ]

    /// Names the proxy never relays back beside the hop-by-hop ones: framing is this server's to say.
    static let responseOnly: Set<String> = ["content-length"]

    /// `headers` without the hop-by-hop fields and without `alsoDropping` (lowercased names).
    static func endToEnd(_ headers: HeaderFields, alsoDropping: Set<String>) -> HeaderFields {
        var listed = Set<String>()
        for value in headers.values(for: "Connection") {
            for name in value.split(separator: ",") { listed.insert(name.trimmingOWS().lowercased()) }
        }
        var kept = HeaderFields()
        for field in headers {
            let name = field.name.lowercased()
            guard !fixed.contains(name), !listed.contains(name), !alsoDropping.contains(name) else { continue }
            kept.add(name: field.name, value: field.value)
        }
        return kept
    }
}
