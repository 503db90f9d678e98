-- wrk: one GET of BENCH_PATH, over and over, with `Authorization` when BENCH_API_KEY is set and
-- `Accept-Encoding: <BENCH_ACCEPT_ENCODING>` when that is set, and a traceparent with BENCH_TRACEPARENT=1.
-- Formatted once, in init (see random_user_read.lua).
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "trace_header.lua")
function init(args)
    local headers = {}
    local key = os.getenv("BENCH_API_KEY")
    if key and key ~= "" then headers["Authorization"] = "Bearer " .. key end
    local accept = os.getenv("BENCH_ACCEPT_ENCODING")
    if accept and accept ~= "" then headers["Accept-Encoding"] = accept end
    prepared = wrk.format("GET", os.getenv("BENCH_PATH"), with_traceparent(headers))
end

function request()
    return prepared
end
