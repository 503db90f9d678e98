-- wrk: ListEndUserIntegrations (first page) for a random seeded end user (random_user_read.lua, beside this file).
read_path = "/embed/%s/users/user-%05d/integrations"
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "random_user_read.lua")
