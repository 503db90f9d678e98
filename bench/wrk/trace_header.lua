-- with_traceparent(headers): adds a W3C `traceparent` (and `tracestate`) to `headers` when BENCH_TRACEPARENT=1, so
-- a run measures what continuing a caller's trace costs against a run without (the server then makes a new trace).
-- One fixed caller span: the server parses it and makes a span of its own for every request all the same.
function with_traceparent(headers)
    if os.getenv("BENCH_TRACEPARENT") == "1" then
        headers["traceparent"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        headers["tracestate"] = "rojo=00f067aa0ba902b7"
    end
    return headers
end
