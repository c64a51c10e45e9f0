"""Load scenarios driven by wrk (C, one event loop), the load generator of `serve_load.py`.

wrk costs far less CPU per request than a Python client, so on a 2-core machine shared by
server and client it leaves the server the cores it measures. A Lua script (written here per
scenario) picks a weighted operation and a random known user or item for every request, stops
after the time (`-d`) or the request budget, and writes its latency percentiles as JSON.
wrk reports one latency distribution per run: a mixed scenario's percentiles cover all of its
operations together (op "all").
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["wrk_available", "wrk_scenario"]

_SCRIPT = r"""
local users, items = {}, {}
for line in io.lines("%(users)s") do users[#users + 1] = line end
for line in io.lines("%(items)s") do items[#items + 1] = line end
local ops = {%(ops)s}
local system, key, budget = "%(system)s", "%(key)s", %(budget)d
local sent = 0
local function auth(headers)
  if system == "semrec" then headers["Authorization"] = "Bearer " .. key
  else headers["x-token"] = key end
  return headers
end

function init(args) math.randomseed(%(seed)d) end

function request()
  local r, op = math.random(), ops[#ops][1]
  for _, pair in ipairs(ops) do
    if r <= pair[2] then op = pair[1]; break end
  end
  local user, item = users[math.random(#users)], items[math.random(#items)]
  if op == "live" then
    return wrk.format("GET", system == "semrec" and "/health/live" or "/", auth({}))
  end
  local json = {["Content-Type"] = "application/json"}
  if op == "recommend" then
    if system == "semrec" then
      return wrk.format("GET", "/users/" .. user .. "/recommendations?k=10", auth({}))
    end
    local body = string.format('{"user": "%%s", "top_k": 10}', user)
    return wrk.format("POST", "/recommend", auth(json), body)
  end
  if op == "similar" then
    return wrk.format("GET", "/items/" .. item .. "/similar?k=10", auth({}))
  end
  local now = os.time() + math.random()
  if system == "semrec" then
    local body = string.format(
      '{"events": [{"user_id": "%%s", "item_id": "%%s", "type": "click", "timestamp": %%.6f}]}',
      user, item, now)
    return wrk.format("POST", "/events", auth(json), body)
  end
  local body = string.format(
    '[{"user": "%%s", "item": "%%s", "timestamp": %%.6f, "rating": 1.0}]', user, item, now)
  return wrk.format("POST", "/fit", auth(json), body)
end

function response(status, headers, body)
  sent = sent + 1
  if sent >= budget then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local e = summary.errors
  local out = io.open("%(out)s", "w")
  out:write(string.format(
    '{"requests": %%d, "duration_us": %%d, "connect": %%d, "read": %%d, "write": %%d, ' ..
    '"status": %%d, "timeout": %%d, "p50_us": %%d, "p95_us": %%d, "p99_us": %%d, ' ..
    '"max_us": %%d}',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
  out:close()
end
"""


def wrk_available() -> bool:
    """Whether the wrk binary is on PATH (Debian: `apt-get install wrk`)."""
    return shutil.which("wrk") is not None


def _lua_ops(mix: dict[str, float]) -> str:
    """`{{"op", cumulative weight}, ...}` for the script's weighted choice."""
    total, running, pairs = sum(mix.values()), 0.0, []
    for op, weight in mix.items():
        running += weight / total
        pairs.append(f'{{"{op}", {min(running, 1.0):.6f}}}')
    return ", ".join(pairs)


def wrk_scenario(spec: dict[str, Any]) -> dict[str, Any]:
    """Run one load scenario (same spec and result shape as `serve_load`'s Python client).

    `spec`: system, url, key, users, items, mix (op -> weight), concurrency, seconds,
    max_requests, seed.
    """
    with tempfile.TemporaryDirectory(prefix="semrec-wrk-") as tmp:
        work = Path(tmp)
        (work / "users.txt").write_text("\n".join(spec["users"]) + "\n")
        (work / "items.txt").write_text("\n".join(spec["items"]) + "\n")
        out = work / "result.json"
        script = work / "load.lua"
        script.write_text(
            _SCRIPT
            % {
                "users": work / "users.txt",
                "items": work / "items.txt",
                "ops": _lua_ops(spec["mix"]),
                "system": spec["system"],
                "key": spec["key"],
                "budget": spec["max_requests"],
                "seed": spec.get("seed", 0),
                "out": out,
            }
        )
        command = [
            "wrk",
            "-t1",
            f"-c{spec['concurrency']}",
            f"-d{spec['seconds']:g}s",
            "--timeout",
            "30s",
            "-s",
            str(script),
            spec["url"],
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0 or not out.exists():
            raise RuntimeError(f"wrk failed: {done.stdout[-1000:]} {done.stderr[-1000:]}")
        raw = json.loads(out.read_text())
    seconds = raw["duration_us"] / 1e6
    errors = {
        name: raw[name] for name in ("connect", "read", "write", "status", "timeout") if raw[name]
    }
    op = next(iter(spec["mix"])) if len(spec["mix"]) == 1 else "all"
    return {
        "generator": "wrk",
        "seconds": round(seconds, 2),
        "requests": raw["requests"],
        "throughput_rps": round(raw["requests"] / seconds, 1),
        "errors": errors,
        "ops": {
            op: {
                "n": raw["requests"],
                **{
                    f"{p}_ms": round(raw[f"{p}_us"] / 1000, 2) for p in ("p50", "p95", "p99", "max")
                },
            }
        },
    }
