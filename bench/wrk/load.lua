-- wrk script of the mixed load test (bench/load.py): rotates over a file of requests of every
-- kind, each with the answer it expects, and prints the figures as one JSON line
-- ("WRK_JSON {...}") from done().
--
--   wrk -t 2 -c 8 -d 600s -s load.lua http://127.0.0.1:PORT -- REQUESTS_FILE SESSIONS_FILE 2
--
-- REQUESTS_FILE: one request a line, tab-separated: METHOD, PATH, BODY (form-encoded or empty),
-- COOKIE ("-": the next signed-in session of SESSIONS_FILE) and AUTHORIZATION (or empty).
-- An answer is right when it is a 200 without a form error ("errorlist"), or a 302 to a page
-- of the app (a sign-in that went on to its second step, a family registered); anything else
-- (a 4xx, a 5xx, a form sent back with errors) counts as an error, by status.

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
local step = 1
local turn = 0
errors = 0
redirects = 0
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

local function fields(line)
  local found = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do table.insert(found, field) end
  return found
end

function init(args)
  for _, line in ipairs(lines(args[1])) do
    local f = fields(line)
    table.insert(requests, {
      method = f[1], path = f[2], body = f[3] or "", cookie = f[4] or "-", auth = f[5] or "",
    })
  end
  cookies = lines(args[2])
  -- With STEP threads (the last argument), thread n takes lines n, n + STEP, ...: a line
  -- meant to be used once (a sign-in, with its own session) is sent once per round.
  step = tonumber(args[3] or "1")
  index = (id or 1) - 1
end

function request()
  local r = requests[(index % #requests) + 1]
  index = index + step
  turn = turn + 1
  local headers = {}
  if r.cookie == "-" then
    headers["Cookie"] = cookies[(turn % #cookies) + 1]
  elseif r.cookie ~= "" then
    headers["Cookie"] = r.cookie
  end
  if r.auth ~= "" then headers["Authorization"] = r.auth end
  if r.method == "POST" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    headers["Origin"] = "http://" .. wrk.host .. ":" .. wrk.port
    return wrk.format("POST", r.path, headers, r.body)
  end
  return wrk.format(r.method, r.path, headers, nil)
end

local function wrong(status)
  errors = errors + 1
  if #statuses < 300 then statuses = statuses .. status .. " " end
end

function response(status, headers, body)
  if status == 302 then
    local to = headers["Location"] or headers["location"] or ""
    if to:find("^/") and not to:find("^/cuenta/entrar/%?") then
      redirects = redirects + 1
    else
      wrong("302>" .. to:sub(1, 24))
    end
  elseif status ~= 200 then
    wrong(status)
  elseif body and body:find("errorlist", 1, true) then
    wrong("200-form-error")
  end
end

function done(summary, latency, requests_done)
  local total_errors, total_redirects, seen = 0, 0, ""
  for _, thread in ipairs(threads) do
    total_errors = total_errors + (thread:get("errors") or 0)
    total_redirects = total_redirects + (thread:get("redirects") or 0)
    seen = seen .. (thread:get("statuses") or "")
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "errors": %d, "redirects": %d, ' ..
    '"socket_errors": %d, "statuses": "%s", "latency_us": {"p50": %d, "p90": %d, ' ..
    '"p95": %d, "p99": %d, "max": %d}}\n',
    summary.requests, summary.duration, total_errors, total_redirects,
    e.connect + e.read + e.write + e.timeout, seen:gsub('"', "'"),
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max))
end
