#!/usr/bin/env bash
# Escalations on 3 replicas sharing a throw-away PostgreSQL, undisturbed and with one
# replica killed (SIGKILL) halfway, then the same on SQLite (one process, killed and
# restarted): 10,000 incidents whose level 2 falls due over 60 s, a fake Slack counting
# every message. One summary line per run; the replicas' logs go to results/replicas/.
# About 2 minutes a run. Needs a release build (run.sh makes it); installs PostgreSQL if missing.
#
#   bash Benchmarks/replicas.sh [path/to/runbook-bench]     # run.sh runs it into results/replicas.txt
set -euo pipefail
cd "$(dirname "$0")"
BIN=${1:-.build/release/runbook-bench}
INCIDENTS=${INCIDENTS:-10000}
LOGS=results/replicas
mkdir -p "$LOGS"

if ! dpkg -s postgresql >/dev/null 2>&1; then
    echo "installing postgresql" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
source ../scripts/postgres-cluster.sh
# Commits wait for the disk, as on a production server (the test clusters skip it).
POSTGRES_FSYNC=on start_postgres_cluster >&2
trap stop_postgres_cluster EXIT

echo "## Replicas ($(nproc) cores for everything: PostgreSQL $(basename "$(dirname "$(postgres_bin_dir)")") with fsync on, the replicas, the fake Slack; release build, log level info; $INCIDENTS incidents in 200 channels, level 2 due over 60 s)"
"$BIN" replicas --database-url "$POSTGRES_URL" --replicas 3 --incidents "$INCIDENTS" --logs "$LOGS"
"$BIN" replicas --database-url "$POSTGRES_URL" --replicas 3 --incidents "$INCIDENTS" --kill --logs "$LOGS"
"$BIN" replicas --sqlite --incidents "$INCIDENTS" --logs "$LOGS"
"$BIN" replicas --sqlite --incidents "$INCIDENTS" --kill --logs "$LOGS"
