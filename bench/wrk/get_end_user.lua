-- wrk: GetEndUser for a random one of the BENCH_USERS seeded end users (external ids user-00001 …).
-- Environment: BENCH_HUB, BENCH_API_KEY, BENCH_USERS.
local threads = 0

-- Each thread its own random sequence.
function setup(thread)
    threads = threads + 1
    thread:set("seed", threads)
end

function init(args)
    math.randomseed(os.time() * 100 + seed)
    hub = os.getenv("BENCH_HUB")
    users = tonumber(os.getenv("BENCH_USERS"))
    headers = { ["Authorization"] = "Bearer " .. os.getenv("BENCH_API_KEY") }
end

function request()
    return wrk.format("GET", string.format("/hubs/%s/users/user-%05d", hub, math.random(1, users)), headers)
end
