#!/usr/bin/env bash
# The request path under load (issue 12, item 8), one command:
#   bash bench/request-path.bench.sh [N customers, default 100000] [postgres://user@host:port, default postgres://postgres@127.0.0.1:5432]
# Seeds N demo customers into the database wodnik_bench_http (once: kept between runs while it holds N
# customers; RESEED=1 starts it again), starts the server as in production (NODE_ENV=production,
# LOG_LEVEL info, log to a file) on 127.0.0.1:3101, signs in as the demo customer and loads the portal
# overview and /healthz from a second process (autocannon, bench/request-path.bench.ts), then stops the
# server. PROFILE=1 runs the server under `node --cpu-prof` (profile in the printed folder).
# SECONDS_PER_RUN (default 10), CONNECTIONS (20), RATE (2000), USERS (2000 signed-in customers asking in turn),
# MODES ('on off': memory caches on, then off) tune the runs.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
PG=${2:-postgres://postgres@127.0.0.1:5432}
DB=wodnik_bench_http
URL="$PG/$DB"
PORT=3101
# A key for this bench database only (it seals the demo radio keys).
KEY=5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e
WORK=$(mktemp -d /tmp/wodnik-request-path.XXXXXX)

source bench/http-bench-lib.sh
bench_header
bench_seeded_database

# Twice: with the memory caches (the default), then without (WODNIK_MEMORY_CACHES=off: every request
# reads its session and its overview from PostgreSQL), so both the served and the cold figures are shown.
for CACHES in ${MODES:-on off}; do
bench_start_server "$WORK/server-$CACHES.log" WODNIK_MEMORY_CACHES="$CACHES"

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
SERVER_PID=$SERVER DATABASE_URL="$URL" BASE="http://127.0.0.1:$PORT" EMAIL=anna.kowalska@example.com PASSWORD=Wodnik-Demo-2026 \
  RUN_SECONDS=${SECONDS_PER_RUN:-10} CONNECTIONS=${CONNECTIONS:-20} RATE=${RATE:-2000} USERS=${USERS:-2000} CACHES=$CACHES \
  node bin/run-ts.js bench/request-path.bench.ts
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "server log: $(wc -l < "$WORK/server-$CACHES.log") lines in $WORK/server-$CACHES.log"

bench_stop_server
done
if [[ -n "${PROFILE:-}" ]]; then echo "CPU profile: $(ls "$WORK"/profile/*.cpuprofile)"; fi
