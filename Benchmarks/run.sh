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
# at warning on two servers side by side: ROUNDS (default 5) alternating rounds of
# ROUND_SECONDS (default 6) per route and level, reported as medians with the ratio's range,
# and /runbook's cost at info against warning (the audit line) round by round.
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
# The HTTP comparison alternates the two routes in ROUNDS rounds of ROUND_SECONDS each and
# reports medians: on a shared 2-core machine one 15-second run of each varied the ratio
# by ±0.25 from run to run, more than the differences it is meant to show.
ROUNDS=${ROUNDS:-5}
ROUND_SECONDS=${ROUND_SECONDS:-6}
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
# Enough distinct requests for the warm-up and every round at up to 25,000 requests a second.
COUNT=$(( (3 + ROUNDS * ROUND_SECONDS) * 25000 ))
write_requests results/requests.lua "" "$COUNT"
write_requests results/ssl-check.lua "ssl_check=1" "$COUNT"

ticks=$(getconf CLK_TCK)
# One server per log level, both running throughout: the levels are measured in the same
# rounds, so the difference between them is not the machine's drift from one minute to
# the next. The server not under load sits idle.
declare -A SERVERS=()
stop_servers() {
    for pid in "${SERVERS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    SERVERS=()
}
trap stop_servers EXIT
start_server() { # log-level port
    SLACK_SIGNING_SECRET="$SECRET" LOG_LEVEL="$1" "$BIN" serve --config ../bot-config --port "$2" > "results/server-$1.log" 2>&1 &
    SERVERS[$1]=$!
    for _ in $(seq 1 100); do
        curl -fs "http://127.0.0.1:$2/healthz" >/dev/null 2>&1 && return
        sleep 0.1
    done
    echo "error: the server did not start"; cat "results/server-$1.log"; exit 1
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
declare -A PORTS=([info]=$PORT [warning]=$((PORT + 1)))

warm() { # script level
    wrk -t1 -c"$CONNECTIONS" -d3s -s "$1" "http://127.0.0.1:${PORTS[$2]}/slack/commands" -- 0 >/dev/null
}

load() { # script route level round: appends "req/s µs-per-request p50 p99" to results/rounds-<route>-<level>.txt
    local script=$1 route=$2 level=$3 round=$4
    local id="$route-$level" pid=${SERVERS[$level]}
    local out="results/wrk-$id-$round.txt"
    local before; before=$(cpu_ticks "$pid")
    # Each round takes requests no earlier round sent: a repeat would be refused as a replay.
    wrk -t1 -c"$CONNECTIONS" -d"${ROUND_SECONDS}s" --latency -s "$script" "http://127.0.0.1:${PORTS[$level]}/slack/commands" \
        -- $(( (3 + (round - 1) * ROUND_SECONDS) * 25000 )) > "$out"
    local after; after=$(cpu_ticks "$pid")
    if grep -q "Non-2xx" "$out"; then
        echo "error: $route at $level answered non-2xx responses:"; cat "$out"; exit 1
    fi
    local requests rps p50 p99
    requests=$(awk '/requests in/ {print $1}' "$out")
    rps=$(awk '/Requests\/sec/ {print $2}' "$out")
    p50=$(awk '$1 == "50%" {print $2}' "$out")
    p99=$(awk '$1 == "99%" {print $2}' "$out")
    local cpu_us; cpu_us=$(python3 -c "print(round(($after - $before) / $ticks * 1e6 / $requests, 1))")
    echo "$rps $cpu_us $p50 $p99" >> "results/rounds-$id.txt"
}

summary() { # each route's medians over the rounds at each level, the ratio's median and range, and the audit line's cost
    python3 - <<'PY'
import statistics
def ms(text):  # wrk's latency: "850.00us", "2.25ms", "1.02s"
    for unit, scale in (("us", 1e-3), ("ms", 1), ("s", 1e3)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * scale
def rounds(route, level):
    return [line.split() for line in open(f"results/rounds-{route}-{level}.txt")]
for level in ("info", "warning"):
    routes = {"ssl-check": ("ssl_check", rounds("ssl-check", level)), "runbook": ("/runbook", rounds("runbook", level))}
    for name, (label, rows) in routes.items():
        rps = statistics.median(float(row[0]) for row in rows)
        cpu = statistics.median(float(row[1]) for row in rows)
        p50 = statistics.median(ms(row[2]) for row in rows)
        p99 = statistics.median(ms(row[3]) for row in rows)
        print(f"{label + ', LOG_LEVEL=' + level:34} {rps:10.0f} req/s   p50 {p50:6.2f}ms   p99 {p99:6.2f}ms   server CPU {cpu:6.1f} µs/request (median of {len(rows)} rounds)")
    base, run = routes["ssl-check"][1], routes["runbook"][1]
    ratios = [float(r[1]) / float(b[1]) for b, r in zip(base, run)]
    throughput = statistics.median(float(r[0]) / float(b[0]) for b, r in zip(base, run))
    print(f"/runbook at {level}: throughput {throughput * 100:.0f}% of ssl_check, server CPU per request {statistics.median(ratios):.2f}x "
          f"(median of {len(ratios)} rounds; {min(ratios):.2f}x to {max(ratios):.2f}x)")
# The audit line: the same /runbook rounds on the two servers, one logging a line per command.
extra = [float(i[1]) - float(w[1]) for i, w in zip(rounds("runbook", "info"), rounds("runbook", "warning"))]
print(f"/runbook at info against warning (the audit line): {statistics.median(extra):+.1f} µs server CPU per request "
      f"(median of {len(extra)} rounds; {min(extra):+.1f} to {max(extra):+.1f})")
PY
}

{
    echo "## HTTP (wrk -t1 -c$CONNECTIONS, $ROUNDS rounds of ${ROUND_SECONDS}s per route and log level alternating, 12 /runbook queries in rotation, every request signed anew, $(nproc) cores shared with wrk)"
    # This block is a pipeline's subshell: the servers it starts are its own to stop.
    trap stop_servers EXIT
    rm -f results/rounds-*.txt
    for level in info warning; do start_server "$level" "${PORTS[$level]}"; done
    for level in info warning; do
        warm results/ssl-check.lua "$level"
        warm results/requests.lua "$level"
    done
    for round in $(seq 1 "$ROUNDS"); do
        for level in info warning; do
            load results/ssl-check.lua ssl-check "$level" "$round"
            load results/requests.lua runbook "$level" "$round"
        done
    done
    stop_servers
    summary
} | tee results/http.txt

# Worst-case query texts, at the default log level: CPU per request, and /healthz while 8
# of them run side by side.
start_server info "$PORT"
python3 worst-case.py "$SECRET" "$PORT" "${SERVERS[info]}" | tee results/worst-case.txt
stop_servers

if [ "$fuzz_status" != 0 ]; then
    echo "error: the fuzz run failed (exit $fuzz_status): a crash or an input over the bound, see results/fuzz.txt"
    exit 1
fi
