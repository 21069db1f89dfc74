-- Replays signed voice webhooks (written by VoiceBench --write-requests) at a paced rate:
-- each connection waits DELAY_MS between requests, so connections x 1000/DELAY_MS is the rate.
local requests = {}
local next_index = 1
local threads = 0

-- every thread replays its own share of the file, so no call is sent twice
function setup(thread)
  thread:set("share", threads)
  threads = threads + 1
  thread:set("shares", 2)
end
local delay_ms = tonumber(os.getenv("DELAY_MS") or "20")
local non_200 = 0

function init(args)
  for line in io.lines(os.getenv("VOICE_REQUESTS")) do
    local signature, body = line:match("^([^\t]+)\t(.*)$")
    requests[#requests + 1] = { signature = signature, body = body }
  end
  next_index = math.floor(#requests * share / shares) + 1
end

function delay()
  return delay_ms
end

function request()
  local r = requests[next_index]
  next_index = next_index % #requests + 1
  return wrk.format("POST", "/telephony/twilio/voice",
    { ["Content-Type"] = "application/x-www-form-urlencoded", ["X-Twilio-Signature"] = r.signature }, r.body)
end

function response(status, headers, body)
  if status ~= 200 or not body:find("<Dial", 1, true) then non_200 = non_200 + 1 end
end
