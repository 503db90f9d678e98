-- wrk script: CreateEndUserConnection with a unique connection name per request (one new string credential).
-- Environment: BENCH_PATH (/hubs/<hub>/users/<user>/connections), BENCH_API_KEY, BENCH_CONNECTOR.
local counter = 0
local threads = 0

-- Each thread gets its own prefix, so names never collide across threads (a collision would be a 409).
function setup(thread)
    threads = threads + 1
    thread:set("prefix", os.time() .. "-" .. threads)
end

function init(args)
    path = os.getenv("BENCH_PATH")
    headers = {
        ["Authorization"] = "Bearer " .. os.getenv("BENCH_API_KEY"),
        ["Content-Type"] = "application/json",
    }
    template = '{"connectorId":"' .. os.getenv("BENCH_CONNECTOR") .. '","connection":{"name":"%s",'
        .. '"variables":[{"name":"region","value":"eu"}],"credentials":{"action":[{"authSchemeConfig":'
        .. '{"id":"key-header","description":"API key","schemeType":"api-key","name":"X-API-Key","in":"header"},'
        .. '"credential":{"name":"acme key","type":"string","data":{"value":"sk_live_0123456789abcdef"}}}],"trigger":[]}}}'
end

function request()
    counter = counter + 1
    return wrk.format("POST", path, headers, string.format(template, "c-" .. prefix .. "-" .. counter))
end
