-- wrk script of the mixed load test (bench/load.py): rotates over a file of requests of every
-- kind, each with the answer it expects, and prints the figures as one JSON line
-- ("WRK_JSON {...}") from done().
--
--   wrk -t 8 -c 8 -d 600s -s load.lua http://127.0.0.1:PORT -- REQUESTS_FILE SESSIONS_FILE 8
--
-- REQUESTS_FILE: one request a line, tab-separated: METHOD, PATH, BODY (form-encoded or empty),
-- COOKIE ("-": the next signed-in session of SESSIONS_FILE), AUTHORIZATION (or empty) and KIND
-- (person, search, hearings, api, sign_in, register). Thread n sends lines n, n + STEP, ... and
-- "X-Forwarded-For: 10.8.0.n": each thread is one client with an address of its own.
-- An answer is right when it is a 200 without a form error ("errorlist"), or a 302 to a page
-- of the app (a sign-in that went on to its second step, a family registered). A 429 (a rate
-- limit answering) is counted apart, as "limited". Anything else (another 4xx, a 5xx, a 302 to
-- the sign-in page, a form sent back with errors) counts as an error.
--
-- Every answer is tallied by the kind of its request and its outcome ("ok", "429", "500",
-- "302>/cuenta/entrar/?", "200-form-error", ...), and a request that got no answer at all (the
-- connection failed, wrk connected again) as "no-answer". For that, each thread has ONE
-- connection (-t = -c): wrk sends a connection's next request only after the answer to the one
-- before, so the answer response() sees is the answer to the last request() of the thread.
-- Time-outs (no answer within --timeout) are counted by wrk itself ("socket_errors").

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
limited = 0
redirects = 0
no_answer = 0
statuses = ""
-- kind -> outcome -> count, and the same as text ("kind outcome count" lines) for done(): wrk's
-- thread:get copies strings and numbers well, but not tables (wrk 4.1 crashes on them).
local tally = {}
tally_text = ""
local pending = nil -- the kind of the request sent and not answered yet
local calls = 0

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
      kind = (f[6] ~= nil and f[6] ~= "") and f[6] or "other",
    })
  end
  cookies = lines(args[2])
  -- With STEP threads (the last argument), thread n takes lines n, n + STEP, ...: a line
  -- meant to be used once (a sign-in, with its own session) is sent once per round.
  step = tonumber(args[3] or "1")
  index = (id or 1) - 1
end

local function count(kind, outcome)
  local of_kind = tally[kind]
  if of_kind == nil then
    of_kind = {}
    tally[kind] = of_kind
  end
  of_kind[outcome] = (of_kind[outcome] or 0) + 1
  local lines = {}
  for k, outcomes in pairs(tally) do
    for o, n in pairs(outcomes) do
      table.insert(lines, k .. " " .. o .. " " .. n)
    end
  end
  tally_text = table.concat(lines, "\n")
end

function request()
  calls = calls + 1
  -- At the start wrk calls the first thread's request() once to check the script, and sends
  -- nothing: that one is not a request without an answer.
  if pending ~= nil and not (id == 1 and calls == 2) then
    -- The request before got no answer: its connection failed and wrk connected again.
    no_answer = no_answer + 1
    count(pending, "no-answer")
  end
  local r = requests[(index % #requests) + 1]
  pending = r.kind
  index = index + step
  turn = turn + 1
  -- Each thread is one client at a computer of its own: its address, as a reverse proxy
  -- would pass it (the server is started with CLIENT_ADDRESS_HEADER=X-Forwarded-For).
  local headers = { ["X-Forwarded-For"] = "10.8.0." .. (id or 1) }
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

local function wrong(kind, status)
  errors = errors + 1
  count(kind, tostring(status))
  if #statuses < 300 then statuses = statuses .. status .. " " end
end

function response(status, headers, body)
  local kind = pending or "other"
  pending = nil
  if status == 302 then
    local to = headers["Location"] or headers["location"] or ""
    if to:find("^/") and not to:find("^/cuenta/entrar/%?") then
      redirects = redirects + 1
      count(kind, "ok")
    else
      wrong(kind, "302>" .. to:sub(1, 20))
    end
  elseif status == 429 then
    limited = limited + 1
    count(kind, "429")
  elseif status ~= 200 then
    wrong(kind, status)
  elseif body and body:find("errorlist", 1, true) then
    wrong(kind, "200-form-error")
  else
    count(kind, "ok")
  end
end

local function quoted(text)
  return '"' .. tostring(text):gsub('[%c"\\]', "?") .. '"'
end

-- {"person": {"ok": 480, "500": 2}, ...} from every thread's tally.
local function tally_json(merged)
  local kinds = {}
  for kind, outcomes in pairs(merged) do
    local parts = {}
    for outcome, n in pairs(outcomes) do
      table.insert(parts, quoted(outcome) .. ": " .. n)
    end
    table.sort(parts)
    table.insert(kinds, quoted(kind) .. ": {" .. table.concat(parts, ", ") .. "}")
  end
  table.sort(kinds)
  return "{" .. table.concat(kinds, ", ") .. "}"
end

function done(summary, latency, requests_done)
  local total_errors, total_limited, total_redirects, total_no_answer, seen = 0, 0, 0, 0, ""
  local merged = {}
  for _, thread in ipairs(threads) do
    total_errors = total_errors + (thread:get("errors") or 0)
    total_limited = total_limited + (thread:get("limited") or 0)
    total_redirects = total_redirects + (thread:get("redirects") or 0)
    total_no_answer = total_no_answer + (thread:get("no_answer") or 0)
    seen = seen .. (thread:get("statuses") or "")
    for kind, outcome, n in (thread:get("tally_text") or ""):gmatch("(%S+) (%S+) (%d+)") do
      merged[kind] = merged[kind] or {}
      merged[kind][outcome] = (merged[kind][outcome] or 0) + tonumber(n)
    end
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "errors": %d, "limited": %d, ' ..
    '"redirects": %d, "no_answer": %d, "socket_errors": %d, ' ..
    '"socket": {"connect": %d, "read": %d, "write": %d, "timeout": %d}, ' ..
    '"statuses": "%s", "by_kind": %s, "latency_us": {"p50": %d, "p90": %d, ' ..
    '"p95": %d, "p99": %d, "max": %d}}\n',
    summary.requests, summary.duration, total_errors, total_limited, total_redirects,
    total_no_answer, e.connect + e.read + e.write + e.timeout,
    e.connect, e.read, e.write, e.timeout, seen:gsub('"', "'"), tally_json(merged),
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max))
end
