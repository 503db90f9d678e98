-- wrk: ActivateIntegration binding the end user's seeded primary connection, for a (user, integration) pair
-- that no request has used: request s of all threads (thread t sends s = t, t + threads, …) activates user
-- s mod BENCH_USERS + 1 for integration s div BENCH_USERS + 2 (integration 1 holds the seeded activations;
-- bench/sections/activations.sh seeds enough). The body is the one whose SQL was captured for pgbench.
-- Environment: BENCH_API_KEY, BENCH_USERS; wrk runs with -t2.
local threads = 0

function setup(thread)
    thread:set("index", threads)
    threads = threads + 1
end

function init(args)
    users = tonumber(os.getenv("BENCH_USERS"))
    headers = {
        ["Authorization"] = "Bearer " .. os.getenv("BENCH_API_KEY"),
        ["Content-Type"] = "application/json",
    }
    sent = 0
end

function request()
    local s = index + 2 * sent
    sent = sent + 1
    local user, integration = s % users + 1, math.floor(s / users) + 2
    local body = string.format(
        '{"userId":"user-%05d","integrationId":"01JBENCG%018d","connections":[{"templateId":"01JBENCT%018d",'
            .. '"connectionId":"01JBENCC%018d"}],"dynamicVariables":{"region":"eu"}}',
        user, integration, integration, user)
    return wrk.format("POST", "/activations", headers, body)
end
