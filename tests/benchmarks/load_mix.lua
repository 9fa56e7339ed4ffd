-- wrk script for tests/benchmarks/load_test.py: rotates over a URL mix and counts non-2xx answers.
--
--   wrk -t2 -c50 -d60s -s tests/benchmarks/load_mix.lua http://127.0.0.1:PORT -- urls.txt
--
-- urls.txt holds one path per line ("/", "/search/?q=data+sharing", ...). Each wrk thread walks
-- the list from its own offset, so the threads do not hit the same page in step. wrk itself counts
-- only statuses >= 400 as errors; response() counts every status outside 200-299 (a 301 to HTTPS
-- or a 302 to a login page would be a failed page here). done() prints one line, LOAD_RESULT
-- followed by JSON, that load_test.py reads: latencies in microseconds.
--
--   wrk ... -- urls.txt unique
--
-- makes every request's URL unique (a `nocache=<thread>.<n>` parameter, which the pages ignore) so
-- that none is answered from the page cache: the cost of rendering every request.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  local file = assert(io.open(args[1], "r"), "cannot open the URL list " .. tostring(args[1]))
  for line in file:lines() do
    if line ~= "" then
      table.insert(paths, line)
    end
  end
  file:close()
  assert(#paths > 0, "the URL list is empty")
  position = id % #paths
  unique = args[2] == "unique"
  sent = 0
  non2xx = 0
  statuses = {}
end

function request()
  position = position % #paths + 1
  local path = paths[position]
  if unique then
    sent = sent + 1
    path = path .. (path:find("?", 1, true) and "&" or "?") .. "nocache=" .. id .. "." .. sent
  end
  return wrk.format("GET", path)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local non2xx_total = 0
  local by_status = {}
  for _, thread in ipairs(threads) do
    non2xx_total = non2xx_total + thread:get("non2xx")
    for status, count in pairs(thread:get("statuses")) do
      by_status[status] = (by_status[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(by_status) do
    table.insert(parts, string.format('"%d": %d', status, count))
  end
  local errors = summary.errors
  io.write(string.format(
    'LOAD_RESULT {"requests": %d, "duration_us": %d, "bytes": %d, '
      .. '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d, '
      .. '"wrk_status_errors": %d, "non2xx": %d, "non2xx_by_status": {%s}, '
      .. '"latency_us": {"min": %d, "mean": %.1f, "p50": %d, "p90": %d, "p99": %d, "max": %d}}\n',
    summary.requests, summary.duration, summary.bytes,
    errors.connect, errors.read, errors.write, errors.timeout,
    errors.status, non2xx_total, table.concat(parts, ", "),
    latency.min, latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max
  ))
end
