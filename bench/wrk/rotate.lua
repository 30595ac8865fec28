-- wrk script of the Salvaguarda benchmark: rotates over a file of requests and a file of
-- signed-in session cookies, counts every answer that is not a 200, and prints the figures
-- as one JSON line ("WRK_JSON {...}") from done().
--
--   wrk -t 2 -c 8 -d 10s -s rotate.lua http://127.0.0.1:PORT -- REQUESTS_FILE SESSIONS_FILE
--
-- REQUESTS_FILE: one request a line, "METHOD<TAB>PATH<TAB>BODY" (BODY form-encoded or empty).
-- SESSIONS_FILE: one "cookie_name=value" a line; request n uses session n mod count.

local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

local requests = {}
local cookies = {}
local index = 0
non200 = 0
statuses = ""

local function lines(path)
  local found = {}
  local file = assert(io.open(path, "r"), "cannot open " .. path)
  for line in file:lines() do
    if line ~= "" then table.insert(found, line) end
  end
  file:close()
  return found
end

function init(args)
  for _, line in ipairs(lines(args[1])) do
    local method, path, body = line:match("^(%u+)\t([^\t]+)\t?(.*)$")
    table.insert(requests, { method = method, path = path, body = body })
  end
  cookies = lines(args[2])
  -- Each thread starts at another place of the files.
  index = (id or 1) * 7919 % #requests
end

function request()
  index = index + 1
  local r = requests[(index % #requests) + 1]
  local headers = { ["Cookie"] = cookies[(index % #cookies) + 1] }
  if r.method == "POST" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return wrk.format("POST", r.path, headers, r.body)
  end
  return wrk.format(r.method, r.path, headers, nil)
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
    if #statuses < 200 then statuses = statuses .. status .. " " end
  end
end

function done(summary, latency, requests)
  local bad, seen = 0, ""
  for _, thread in ipairs(threads) do
    bad = bad + (thread:get("non200") or 0)
    seen = seen .. (thread:get("statuses") or "")
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "non_200": %d, "statuses": "%s", ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p90": %d, "p95": %d, "p99": %d, "max": %d, "mean": %d}}\n',
    summary.requests, summary.duration, bad, seen,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean))
end
