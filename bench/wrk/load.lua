-- Load one page with wrk. Each wrk thread is one virtual user holding one
-- connection (run with -t N -c N), so a user's requests never overlap.
--
--   wrk -t8 -c8 -d10s -s bench/wrk/load.lua http://127.0.0.1:PORT -- TARGETS THREADS
--
-- TARGETS is a tab-separated file written by `manage.py bench_run`, one
-- target a line: method, path, cookie, csrf token, version, body. User i
-- takes lines i, i+THREADS, i+2*THREADS... and cycles through them. In a
-- POST body, __VERSION__ is replaced by the draft version the user last
-- saw (read back from each JSON response) and __N__ by a request counter,
-- so every save changes the text and carries the current version.
--
-- done() prints "BENCH key=value" lines that bench_run parses.

local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("id", next_id)
end

local targets = {}
local position = 0
local sent = 0
local version = "1"

local function split(line)
  local fields = {}
  for value in (line .. "\t"):gmatch("([^\t]*)\t") do
    table.insert(fields, value)
  end
  return {
    method = fields[1],
    path = fields[2],
    cookie = fields[3] or "",
    csrf = fields[4] or "",
    version = fields[5] or "",
    body = fields[6] or "",
  }
end

function init(args)
  local threads = tonumber(args[2])
  local all = {}
  for line in io.lines(args[1]) do
    if line ~= "" then
      table.insert(all, split(line))
    end
  end
  for i, target in ipairs(all) do
    if (i - 1) % threads == (id - 1) % threads then
      table.insert(targets, target)
    end
  end
  if #targets == 0 then
    targets = { all[((id - 1) % #all) + 1] }
  end
  if targets[1].version ~= "" then
    version = targets[1].version
  end
  if targets[1].method ~= "POST" then
    response = nil -- GET pages: wrk need not parse bodies
  end
end

function request()
  position = position % #targets + 1
  sent = sent + 1
  local target = targets[position]
  local headers = {}
  if target.cookie ~= "" then
    headers["Cookie"] = target.cookie
  end
  local body = nil
  if target.method == "POST" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    headers["X-CSRFToken"] = target.csrf
    headers["X-Requested-With"] = "XMLHttpRequest"
    body = target.body:gsub("__VERSION__", version)
    body = body:gsub("__N__", tostring(sent))
  end
  return wrk.format(target.method, target.path, headers, body)
end

function response(status, headers, body)
  local seen = body and body:match('"version":%s*(%d+)')
  if seen then
    version = seen
  end
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("BENCH requests=%d\n", summary.requests))
  io.write(string.format("BENCH duration_us=%d\n", summary.duration))
  io.write(string.format("BENCH bytes=%d\n", summary.bytes))
  io.write(string.format("BENCH errors_connect=%d\n", errors.connect))
  io.write(string.format("BENCH errors_read=%d\n", errors.read))
  io.write(string.format("BENCH errors_write=%d\n", errors.write))
  io.write(string.format("BENCH errors_status=%d\n", errors.status))
  io.write(string.format("BENCH errors_timeout=%d\n", errors.timeout))
  for _, p in ipairs({ 50, 95, 99 }) do
    io.write(string.format("BENCH p%d_us=%d\n", p, latency:percentile(p)))
  end
  io.write(string.format("BENCH max_us=%d\n", latency.max))
  io.write(string.format("BENCH mean_us=%.1f\n", latency.mean))
end
