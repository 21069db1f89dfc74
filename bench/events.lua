-- POST /v1/events as sendBeacon sends it (text/plain): one page_view with a fresh
-- UUID per request, on one of the sessions run.sh created beforehand.
local lib = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "lib.lua")

local sessions
local headers = {
  ["Content-Type"] = "text/plain",
  ["User-Agent"] = lib.user_agent,
  ["Origin"] = lib.origin,
}

function init(args)
  lib.seed()
  sessions = lib.load_sessions()
  if #sessions == 0 then
    error("no session ids: set BENCH_SESSIONS_FILE to a file of ids from POST /v1/sessions")
  end
end

function request()
  local body = string.format(
    '{"type":"page_view","id":"%s","property":"demo","session":"%s","url":"http://localhost/demo/","at":%d}',
    lib.uuid_v7(), sessions[math.random(#sessions)], os.time() * 1000 + math.random(0, 999))
  return wrk.format("POST", "/v1/events", headers, body)
end

function response(status, headers, body)
  lib.count(status)
  -- Every request carries one event; anything else accepted means the request was not what it seems.
  if status == 200 and not body:find('"accepted":1', 1, true) then lib.note("not_accepted") end
end
