-- POST /v1/sessions: mostly heartbeats/page views resuming a known session, one
-- request in BENCH_NEW_SESSION_EVERY (default 5) opens a new gclid session.
local lib = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "lib.lua")

local MAX_KNOWN = 256
local NEW_EVERY = tonumber(os.getenv("BENCH_NEW_SESSION_EVERY") or "5")
local OVERFLOW = "+15125550109" -- demo pool's fallback number: shown once the 5 pool numbers are leased
local known, known_set, counter, run
local headers = {
  ["Content-Type"] = "application/json",
  ["User-Agent"] = lib.user_agent,
  ["Origin"] = lib.origin,
}

function init(args)
  lib.seed()
  known, known_set = {}, {}
  for _, id in ipairs(lib.load_sessions()) do
    if #known < MAX_KNOWN then known[#known + 1] = id; known_set[id] = true end
  end
  run = string.format("%08x", math.random(0, 0x7fffffff))
  counter = 0
end

local function remember(id)
  if known_set[id] then return end
  if #known < MAX_KNOWN then
    known[#known + 1] = id
  else
    local slot = math.random(#known)
    known_set[known[slot]] = nil
    known[slot] = id
  end
  known_set[id] = true
end

function request()
  counter = counter + 1
  local session, url, referrer
  if #known == 0 or counter % NEW_EVERY == 0 then
    session = "null"
    url = string.format("http://localhost/demo/?gclid=bench-%s-%d-%d", run, thread_id, counter)
    referrer = "https://www.google.com/"
  else
    session = '"' .. known[math.random(#known)] .. '"'
    url = "http://localhost/demo/page-" .. (counter % 10)
    referrer = "http://localhost/demo/"
  end
  local body = '{"property":"demo","session":' .. session .. ',"url":"' .. url .. '","referrer":"' .. referrer
    .. '","consent":{"ad_storage":"granted","analytics_storage":"granted"}}'
  return wrk.format("POST", "/v1/sessions", headers, body)
end

function response(status, headers, body)
  lib.count(status)
  if status == 200 then
    local id = body:match('"session":"([^"]+)"')
    if id then remember(id) else lib.note("no_session_id") end
    if body:find(OVERFLOW, 1, true) then lib.note("overflow_number") end
  end
end
