#!/usr/bin/env bash
# The customer's ledger page API under load (issue 15: p99 under 25 ms at 1,000 requests/s at 100,000 customers):
#   bash bench/ledger-api.bench.sh [N customers, default 100000] [postgres://user@host:port, default postgres://postgres@127.0.0.1:5432]
# Seeds N demo customers into the database wodnik_bench_ledger (once: kept between runs while it holds N
# customers; RESEED=1 starts it again), gives each a three-year ledger in SQL (bench/ledger-api.seed.sql:
# 18 invoices, 17 payments with allocations, late, partial and unpaid ones, interest notes), starts the
# server as in production (NODE_ENV=production) on 127.0.0.1:3102, and asks for
# GET /api/portal/customers/:id/balance (the portal's "Faktury i saldo": balance, invoice statuses and the
# settlement history with a running balance) as USERS different signed-in customers in turn, from a second
# process (autocannon, bench/ledger-api.bench.ts): unlimited, then at a fixed RATE. Stops the server.
# DROP=1 drops the database at the end. PROFILE=1 runs the server under `node --cpu-prof`.
# WODNIK_MEMORY_CACHES=off: the server reads every page from the database (the cold path); by default the
# warm-up asks each user once, so the runs measure pages served from memory (src/modules/payments/ledger/cache.ts).
# SECONDS_PER_RUN (default 15), CONNECTIONS (20), RATE (1000), USERS (5000).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
PG=${2:-postgres://postgres@127.0.0.1:5432}
DB=${DB:-wodnik_bench_ledger}
URL="$PG/$DB"
PORT=${PORT:-3102}
KEY=5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e5a1e
WORK=$(mktemp -d /tmp/wodnik-ledger-api.XXXXXX)

source bench/http-bench-lib.sh
bench_header
bench_seeded_database
t0=$(date +%s)
psql "$URL" -q -f bench/ledger-api.seed.sql
echo "ledger: $(psql "$URL" -tAc "select count(*) from invoices where invoice_number like 'FV/LB/%'") invoices, $(psql "$URL" -tAc "select count(*) from payments where external_ref like 'lb:%'") payments ($(($(date +%s) - t0)) s)"

bench_start_server "$WORK/server.log"

SERVER_PID=$SERVER DATABASE_URL="$URL" BASE="http://127.0.0.1:$PORT" \
  RUN_SECONDS=${SECONDS_PER_RUN:-15} CONNECTIONS=${CONNECTIONS:-20} RATE=${RATE:-1000} USERS=${USERS:-5000} \
  node bin/run-ts.js bench/ledger-api.bench.ts
echo "server log: $(wc -l < "$WORK/server.log") lines in $WORK/server.log"

bench_stop_server
if [[ -n "${PROFILE:-}" ]]; then echo "CPU profile: $(ls "$WORK"/profile/*.cpuprofile)"; fi
if [[ -n "${DROP:-}" ]]; then psql "$PG/postgres" -qc "drop database $DB"; echo "dropped $DB"; fi
