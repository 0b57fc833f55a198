#!/usr/bin/env bash
# The readings area under load (issue 13): the Pulpit's meters panel and the contracts page
# (GET /api/portal/contracts), a year's consumption analysis, and the staff verification queue,
# at 100,000 customers on PostgreSQL. One command:
#   bash bench/readings.bench.sh [postgres://user@host:port, default postgres://postgres@127.0.0.1:5432]
# Needs the request-path bench's database (bash bench/request-path.bench.sh seeds wodnik_bench_http with
# 100,000 customers); copies it to wodnik_bench_readings (so that bench's database is left as it is),
# starts the server as in production on a free port (it applies this branch's migrations), and loads each
# route from a second process (bench/readings.bench.ts, autocannon). SECONDS_PER_RUN (10), CONNECTIONS (10).
set -euo pipefail
cd "$(dirname "$0")/.."
PG=${1:-postgres://postgres@127.0.0.1:5432}
SRC=wodnik_bench_http
DB=wodnik_bench_readings
URL="$PG/$DB"
KEY=5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e
WORK=$(mktemp -d /tmp/wodnik-readings-bench.XXXXXX)
PORT=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")

echo "machine: $(nproc) × $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), node $(node -v), $(psql "$PG/postgres" -tAc 'show server_version' | cut -d' ' -f1)"
echo "commit: $(git rev-parse --short HEAD)"
psql "$PG/postgres" -qc "drop database if exists $DB" -c "create database $DB template $SRC"
echo "customers: $(psql "$URL" -tAc 'select count(*) from customers')"

NODE_ENV=production WODNIK_SECRET_KEY=$KEY DATABASE_URL="$URL" HOST=127.0.0.1 PORT=$PORT \
  WODNIK_DEFAULT_UTILITY=zgk-demo PUBLIC_URL=http://127.0.0.1:$PORT LOG_LEVEL=warn \
  node bin/wodnik.js serve --port "$PORT" > "$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do
  curl -sf "http://127.0.0.1:$PORT/healthz" > /dev/null && break
  kill -0 $SERVER 2>/dev/null || { cat "$WORK/server.log"; exit 1; }
  sleep 0.5
done
psql "$URL" -qc 'analyze readings'
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
BASE="http://127.0.0.1:$PORT" RUN_SECONDS=${SECONDS_PER_RUN:-10} CONNECTIONS=${CONNECTIONS:-10} node bin/run-ts.js bench/readings.bench.ts
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
kill -TERM $SERVER
wait $SERVER 2>/dev/null || true
trap - EXIT
psql "$PG/postgres" -qc "drop database if exists $DB"
