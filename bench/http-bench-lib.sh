# Shared by the HTTP benches (request-path.bench.sh, ledger-api.bench.sh): sourced, not run.
# Expects PG (server address), DB (database name), URL ("$PG/$DB"), N (demo customers), KEY (the
# bench database's secret key), PORT and WORK (a scratch folder).

# The machine and the code measured.
bench_header() {
  echo "machine: $(nproc) × $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), node $(node -v), $(psql "$PG/postgres" -tAc 'show server_version' | cut -d' ' -f1)"
  echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' + uncommitted changes in src')"
}

# N demo customers in $DB: seeded once and kept while it holds N of them (RESEED=1 seeds again),
# then this checkout's migrations that the database lacks (a database seeded by an older commit).
bench_seeded_database() {
  local have count=0
  have=$(psql "$PG/postgres" -tAc "select 1 from pg_database where datname = '$DB'")
  if [[ "$have" == 1 && -z "${RESEED:-}" ]]; then
    count=$(psql "$URL" -tAc "select count(*) from customers c join utilities u on u.id = c.utility_id where u.slug = 'zgk-demo'" 2>/dev/null || echo 0)
  fi
  if [[ "$count" != "$N" ]]; then
    echo "seeding $N customers into $DB..."
    psql "$PG/postgres" -qc "drop database if exists $DB" -c "create database $DB"
    DATABASE_URL="$URL" WODNIK_SECRET_KEY=$KEY node bin/wodnik.js seed --customers "$N" | grep -E '^Seeding|^Created' || true
    psql "$URL" -qc 'vacuum analyze'
  fi
  DATABASE_URL="$URL" WODNIK_SECRET_KEY=$KEY node bin/wodnik.js migrate > /dev/null
}

# Starts the server as in production on 127.0.0.1:$PORT, logging to $1 (extra VAR=value settings may follow),
# and waits for /healthz; sets SERVER. PROFILE=1 runs it under `node --cpu-prof` (profile in $WORK/profile).
bench_start_server() {
  local log=$1
  shift
  local prof=()
  if [[ -n "${PROFILE:-}" ]]; then prof=(--cpu-prof --cpu-prof-dir="$WORK/profile"); fi
  env NODE_ENV=production WODNIK_SECRET_KEY="$KEY" DATABASE_URL="$URL" HOST=127.0.0.1 PORT="$PORT" \
    WODNIK_DEFAULT_UTILITY=zgk-demo PUBLIC_URL="http://127.0.0.1:$PORT" "$@" \
    node "${prof[@]}" bin/wodnik.js serve --port "$PORT" > "$log" 2>&1 &
  SERVER=$!
  trap 'kill $SERVER 2>/dev/null || true' EXIT
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$PORT/healthz" > /dev/null && return 0
    kill -0 "$SERVER" 2>/dev/null || { cat "$log"; exit 1; }
    sleep 0.5
  done
}

bench_stop_server() {
  kill -TERM "$SERVER"
  wait "$SERVER" 2>/dev/null || true
  trap - EXIT
}
