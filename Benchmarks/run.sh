#!/usr/bin/env bash
# Benchmarks on a release build: lookup latency (sample runbook and a generated corpus of
# 10,000 entries), the fuzz run (inputs per decoder, crashes, slowest input; FUZZ_INPUTS
# per decoder, default 100,000, from seed FUZZ_SEED, default today's date), escalation
# lateness with 1,000 and 10,000 open incidents and the time to the first overdue
# escalation after a restart (SKIP_ESCALATION=1 skips these ~3 minutes; SKIP_FUZZ=1 the fuzz
# run's ~10), escalations on 3 replicas sharing PostgreSQL and on SQLite, each undisturbed and
# with a SIGKILL halfway (SKIP_REPLICAS=1 skips these ~8 minutes), and HTTP throughput
# of signed /runbook requests against Slack's ssl_check on the same server (verified like
# every request, answered with a fixed empty reply), at the default log level (info) and
# at warning.
#
#   bash Benchmarks/run.sh            # results also written to Benchmarks/results/
#
# Load goes to 127.0.0.1 only, for a fixed duration.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p results

missing=()
for tool in wrk curl; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}"
    apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# A path dependency's new files are not always picked up by a cached build plan.
rm -f .build/release.yaml .build/release/description.json
swift build -c release 2>&1 | tail -1
BIN=.build/release/runbook-bench
DURATION=${DURATION:-15}
CONNECTIONS=${CONNECTIONS:-32}
PORT=${PORT:-3900}

"$BIN" lookup --config ../bot-config | tee results/lookup.txt

# Every decoder of outside input over generated inputs. A crash kills the runner (it names
# the input first); an input over the bound exits 1. Either fails the whole run.
FUZZ_INPUTS=${FUZZ_INPUTS:-100000}
FUZZ_SEED=${FUZZ_SEED:-$(date +%Y%m%d)}
# The other measurements still run; the run fails at the end. SKIP_FUZZ=1 skips it.
fuzz_status=0
if [ "${SKIP_FUZZ:-0}" != 1 ]; then
    .build/release/runbook-fuzz --config ../bot-config --inputs "$FUZZ_INPUTS" --seed "$FUZZ_SEED" 2>&1 | tee results/fuzz.txt || fuzz_status=$?
fi
if [ "${SKIP_ESCALATION:-0}" != 1 ]; then
    "$BIN" escalation --incidents 1000,10000 | tee results/escalation.txt
fi
# Replicas on a throw-away PostgreSQL and on SQLite, undisturbed and with a SIGKILL halfway
# (replicas.sh says more; SKIP_REPLICAS=1 skips its ~8 minutes).
if [ "${SKIP_REPLICAS:-0}" != 1 ]; then
    bash replicas.sh "$BIN" | tee results/replicas.txt
fi

SECRET=$(python3 -c 'import secrets; print(secrets.token_hex(32))')

# Requests signed now, as Slack would send them (valid for the 5-minute window), cycling
# through distinct queries: exact words, pasted errors, typos, sections, a miss. Every
# request is distinct (its trigger_id), as Slack's are: the bot refuses a replayed
# signature. The baseline sends the same fields plus ssl_check=1, so both bodies cost the
# same to verify.
write_requests() { # file extra-field count
python3 - "$SECRET" "$2" "$3" > "$1" <<'PY'
import hashlib, hmac, json, sys, time, urllib.parse
secret, extra, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
queries = [
    "timeout", "Task timed out after 900.00 seconds", "ConditionalCheckFailedException", "timout",
    "dynamodb throttled", "unblock invoice processing after outage", "escalation", "who to call",
    "rate limit exceeded", "access denied reading pdf", "invoice-parser errors > 5/min", "kubernetes crashloop",
]
ts = str(int(time.time()))
bases = []
for query in queries:
    fields = [
        ("token", "bench"), ("team_id", "T1"), ("team_domain", "bench"), ("channel_id", "C1"),
        ("channel_name", "incidents"), ("user_id", "U1"), ("user_name", "bench"), ("command", "/runbook"),
        ("text", query), ("api_app_id", "A1"), ("is_enterprise_install", "false"),
        ("response_url", "https://hooks.slack.com/commands/T1/1/x"),
    ]
    if extra:
        fields.insert(0, tuple(extra.split("=", 1)))
    bases.append(urllib.parse.urlencode(fields) + "&trigger_id=")
key = secret.encode()
print("local bases = " + "{" + ",".join(json.dumps(b) for b in bases) + "}")
print(f'local timestamp = "{ts}"')
print("local signatures = {")
for i in range(1, count + 1):
    body = bases[(i - 1) % len(bases)] + str(i)
    print('"v0=' + hmac.new(key, f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest() + '",')
print("}")
print("""
local n = 0
-- The warm-up and the measured run take different requests (wrk ... -- <offset>).
init = function(args)
  n = tonumber(args[1] or "0")
end
request = function()
  n = n + 1
  if n > #signatures then n = 1 end  -- past the end a replay is refused: run.sh reports it
  local body = bases[(n - 1) % #bases + 1] .. n
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["X-Slack-Request-Timestamp"] = timestamp,
    ["X-Slack-Signature"] = signatures[n],
  }, body)
end
""")
PY
}
# Enough distinct requests for the warm-up and the run at up to 25,000 requests a second.
COUNT=$(( (DURATION + 3) * 25000 ))
write_requests results/requests.lua "" "$COUNT"
write_requests results/ssl-check.lua "ssl_check=1" "$COUNT"

ticks=$(getconf CLK_TCK)
SERVER=
stop_server() {
    if [ -n "$SERVER" ]; then
        kill "$SERVER" 2>/dev/null || true
        wait "$SERVER" 2>/dev/null || true
        SERVER=
    fi
}
trap stop_server EXIT
start_server() { # log-level
    SLACK_SIGNING_SECRET="$SECRET" LOG_LEVEL="$1" "$BIN" serve --config ../bot-config --port "$PORT" > "results/server-$1.log" 2>&1 &
    SERVER=$!
    for _ in $(seq 1 100); do
        curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && return
        sleep 0.1
    done
    echo "error: the server did not start"; cat "results/server-$1.log"; exit 1
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER/stat"; }

load() { # script id label
    local script=$1 id=$2 label=$3
    wrk -t1 -c"$CONNECTIONS" -d3s -s "$script" "http://127.0.0.1:$PORT/slack/commands" -- 0 >/dev/null
    local before; before=$(cpu_ticks)
    wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$script" "http://127.0.0.1:$PORT/slack/commands" -- $((3 * 25000)) > "results/wrk-$id.txt"
    local after; after=$(cpu_ticks)
    if grep -q "Non-2xx" "results/wrk-$id.txt"; then
        echo "error: $label answered non-2xx responses:"; cat "results/wrk-$id.txt"; exit 1
    fi
    local requests rps p50 p99
    requests=$(awk '/requests in/ {print $1}' "results/wrk-$id.txt")
    rps=$(awk '/Requests\/sec/ {print $2}' "results/wrk-$id.txt")
    p50=$(awk '$1 == "50%" {print $2}' "results/wrk-$id.txt")
    p99=$(awk '$1 == "99%" {print $2}' "results/wrk-$id.txt")
    local cpu_us; cpu_us=$(python3 -c "print(round(($after - $before) / $ticks * 1e6 / $requests, 1))")
    printf '%-34s %10s req/s   p50 %8s   p99 %8s   server CPU %6s µs/request\n' "$label" "$rps" "$p50" "$p99" "$cpu_us"
    echo "$rps $cpu_us" > "results/measure-$id.txt"
}

ratio() { # level
    python3 - "$1" <<'PY'
import sys
level = sys.argv[1]
run, base = (open(f"results/measure-{name}-{level}.txt").read().split() for name in ("runbook", "ssl-check"))
print(f"/runbook at {level}: throughput {float(run[0]) / float(base[0]) * 100:.0f}% of ssl_check, server CPU per request {float(run[1]) / float(base[1]):.2f}x")
PY
}

{
    echo "## HTTP (wrk -t1 -c$CONNECTIONS -d${DURATION}s, 12 /runbook queries in rotation, every request signed anew, $(nproc) cores shared with wrk)"
    for level in info warning; do
        start_server "$level"
        load results/ssl-check.lua "ssl-check-$level" "ssl_check, LOG_LEVEL=$level"
        load results/requests.lua "runbook-$level" "/runbook, LOG_LEVEL=$level"
        stop_server
        ratio "$level"
    done
} | tee results/http.txt

# Worst-case query texts, at the default log level: CPU per request, and /healthz while 8
# of them run side by side.
start_server info
python3 worst-case.py "$SECRET" "$PORT" "$SERVER" | tee results/worst-case.txt
stop_server

if [ "$fuzz_status" != 0 ]; then
    echo "error: the fuzz run failed (exit $fuzz_status): a crash or an input over the bound, see results/fuzz.txt"
    exit 1
fi
