-- wrk: ListEndUserConnections (first page) for a random seeded end user (random_user_read.lua, beside this file).
read_path = "/hubs/%s/users/user-%05d/connections"
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "random_user_read.lua")
