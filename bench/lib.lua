-- Shared by the wrk scripts: per-thread seeding, UUIDs, status counting and one
-- machine-readable RESULT line that run.sh parses.
local lib = {}

-- A browser-like agent: anything else (curl/, java/, an empty agent) is served as a bot.
lib.user_agent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
lib.origin = "http://localhost"

local threads = {}

-- Runs in wrk's main Lua state once per thread, before that thread's init().
function setup(thread)
  threads[#threads + 1] = thread
  thread:set("thread_id", #threads)
end

-- Seed from /dev/urandom: os.time() alone gives every thread (and runs started in
-- the same second) the same sequence, hence duplicate event ids.
function lib.seed()
  local seed = os.time() + (thread_id or 0) * 7919
  local f = io.open("/dev/urandom", "rb")
  if f then
    local b = f:read(6)
    f:close()
    seed = 0
    for i = 1, #b do seed = seed * 256 + b:byte(i) end
  end
  math.randomseed(seed)
  statuses, notes = {}, {}
end

-- Time-ordered UUID v7, as the snippet makes them: 48-bit Unix milliseconds, version 7, variant 10xx.
-- wrk's Lua has a clock in seconds only; a per-thread counter stands in for the milliseconds.
local v7_last_second, v7_millis = 0, 0
function lib.uuid_v7()
  local r, now = math.random, os.time()
  if now ~= v7_last_second then v7_last_second, v7_millis = now, 0 end
  v7_millis = math.min(v7_millis + 1, 999)
  local ms = now * 1000 + v7_millis
  local high, low = math.floor(ms / 0x10000), ms % 0x10000
  return string.format("%08x-%04x-7%03x-%x%03x-%04x%04x%04x",
    high, low, r(0, 0xfff), r(8, 11), r(0, 0xfff), r(0, 0xffff), r(0, 0xffff), r(0, 0xffff))
end

-- Paced runs (run.sh sets BENCH_DELAY_MS): each connection waits this long after every answer before it sends
-- again. wrk takes whole milliseconds, so the fraction is spread at random over the requests.
local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "")
if delay_ms then
  local whole, fraction = math.floor(delay_ms), delay_ms - math.floor(delay_ms)
  function delay()
    return whole + (math.random() < fraction and 1 or 0)
  end
end

-- Session ids created by run.sh before the load starts (events need existing sessions).
function lib.load_sessions()
  local ids = {}
  local path = os.getenv("BENCH_SESSIONS_FILE")
  if path then
    for line in io.lines(path) do
      if line:match("^%x+%-%x+%-%x+%-%x+%-%x+$") then ids[#ids + 1] = line end
    end
  end
  return ids
end

function lib.count(status)
  statuses[status] = (statuses[status] or 0) + 1
end

-- Oddities that a 200 can still hide (e.g. no session id returned).
function lib.note(name)
  notes[name] = (notes[name] or 0) + 1
end

local function merge(into, from)
  for k, n in pairs(from or {}) do into[k] = (into[k] or 0) + n end
end

local function joined(t)
  local keys, parts = {}, {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  for _, k in ipairs(keys) do parts[#parts + 1] = k .. ":" .. t[k] end
  return #parts > 0 and table.concat(parts, ",") or "-"
end

function done(summary, latency, requests)
  local all, seen = {}, {}
  for _, t in ipairs(threads) do
    merge(all, t:get("statuses"))
    merge(seen, t:get("notes"))
  end
  local ok, bad = 0, 0
  for code, n in pairs(all) do
    if code >= 200 and code < 300 then ok = ok + n else bad = bad + n end
  end
  local e, secs = summary.errors, summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f ok=%d non2xx=%d"
      .. " connect=%d read=%d write=%d timeout=%d statuses=%s notes=%s\n",
    summary.requests, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    ok, bad, e.connect, e.read, e.write, e.timeout, joined(all), joined(seen)))
end

return lib
