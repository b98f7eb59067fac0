-- wrk script: cycle through the URL paths listed in $LANTOA_PATHS; print percentiles as JSON.
local paths = {}
local counter = 0
local think_ms = tonumber(os.getenv("LANTOA_THINK_MS") or "0")

function init(args)
  for line in io.lines(os.getenv("LANTOA_PATHS")) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  counter = math.random(#paths)
end

-- Think time: a user reads the page before the next click (0: back to back, saturation).
function delay()
  if think_ms > 0 then return math.random(math.floor(think_ms / 2), math.floor(think_ms * 3 / 2)) end
  return 0
end

function request()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter])
end

function done(summary, latency, requests)
  local ms = function(p) return latency:percentile(p) / 1000 end
  io.write(string.format(
    'JSON {"requests": %d, "duration_s": %.1f, "rps": %.1f, "p50_ms": %.1f, "p95_ms": %.1f, "p99_ms": %.1f, "max_ms": %.1f, "non2xx": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    ms(50), ms(95), ms(99), latency.max / 1000, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
