-- wrk: CreateEndUserConnection for a random seeded end user, a connection name unique per thread and request
-- (a repeat would be 409). The body is BENCH_BODY with its name "bench-capture" replaced: the same body whose
-- SQL was captured for pgbench. Environment: BENCH_HUB, BENCH_API_KEY, BENCH_USERS, BENCH_BODY, BENCH_TRACEPARENT.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "trace_header.lua")
local threads = 0

function setup(thread)
    threads = threads + 1
    thread:set("prefix", os.time() .. "-" .. threads)
    thread:set("seed", threads)
end

function init(args)
    math.randomseed(os.time() * 100 + seed)
    hub = os.getenv("BENCH_HUB")
    users = tonumber(os.getenv("BENCH_USERS"))
    headers = with_traceparent({
        ["Authorization"] = "Bearer " .. os.getenv("BENCH_API_KEY"),
        ["Content-Type"] = "application/json",
    })
    before, after = os.getenv("BENCH_BODY"):match("^(.-)bench%-capture(.*)$")
    counter = 0
end

function request()
    counter = counter + 1
    local path = string.format("/hubs/%s/users/user-%05d/connections", hub, math.random(1, users))
    return wrk.format("POST", path, headers, before .. "w-" .. prefix .. "-" .. counter .. after)
end
