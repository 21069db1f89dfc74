-- GET /health/live: the ceiling of the HTTP stack. Counts statuses like the other
-- scripts so the client-side Lua cost is comparable.
local lib = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "lib.lua")

function init(args)
  lib.seed()
end

function response(status, headers, body)
  lib.count(status)
end
