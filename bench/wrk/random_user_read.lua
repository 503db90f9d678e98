-- wrk: a GET of `read_path` (set by the script that loads this one) for a random one of the BENCH_USERS seeded
-- end users (external ids user-00001 …). Environment: BENCH_HUB, BENCH_API_KEY, BENCH_USERS, BENCH_TRACEPARENT.
-- The requests are formatted once, in init: wrk shares the two cores with the server, and formatting each
-- request in Lua costs wrk about 6 µs of CPU per request, taken from the server being measured.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "trace_header.lua")
local threads = 0

-- Each thread its own random sequence.
function setup(thread)
    threads = threads + 1
    thread:set("seed", threads)
end

function init(args)
    math.randomseed(os.time() * 100 + seed)
    local hub = os.getenv("BENCH_HUB")
    local users = tonumber(os.getenv("BENCH_USERS"))
    local headers = with_traceparent({ ["Authorization"] = "Bearer " .. os.getenv("BENCH_API_KEY") })
    requests = {}
    for i = 1, users do
        requests[i] = wrk.format("GET", string.format(read_path, hub, math.random(1, users)), headers)
    end
    count, position = users, 0
end

function request()
    position = position % count + 1
    return requests[position]
end
