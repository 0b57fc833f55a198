#!/usr/bin/env bash
# Times `wodnik seed --customers N` into a fresh embedded database (PGlite) and
# into a fresh PostgreSQL database, and prints the figures for bench/results.md.
#   bash bench/seed.bench.sh [N] [postgres://user@host:port]   (defaults: 100000, postgres://postgres@127.0.0.1:5432)
# Set ENGINES=pglite or ENGINES=postgres to run one engine only.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
PG=${2:-postgres://postgres@127.0.0.1:5432}
ENGINES=${ENGINES:-"pglite postgres"}
DB=wodnik_seed_bench
KEY=$(node -e 'console.log(require("crypto").randomBytes(32).toString("hex"))')

echo "machine: $(nproc) × $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GB RAM, node $(node -v), load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

run() { # engine, env...
  local engine=$1; shift
  local out; out=$(mktemp)
  /usr/bin/time -f '%e %U %S %M' -o "$out.time" env "$@" WODNIK_SECRET_KEY="$KEY" node bin/wodnik.js seed --customers "$N" | grep -E '^Created|^Added|rebuilt|rows loaded' || true
  read -r wall user sys rss < "$out.time"
  echo "$engine: wall ${wall} s, cpu ${user} s user + ${sys} s sys, peak RSS $((rss / 1024)) MB, load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  rm -f "$out" "$out.time"
}

if [[ " $ENGINES " == *" pglite "* ]]; then
  DIR=$(mktemp -d /tmp/wodnik-seed-bench.XXXXXX)
  run pglite DATABASE_URL= WODNIK_DATA_DIR="$DIR"
  echo "pglite: size $(du -sh "$DIR" | cut -f1) (du -sh of the data folder)"
  rm -rf "$DIR"
fi

if [[ " $ENGINES " == *" postgres "* ]]; then
  psql "$PG/postgres" -qc "drop database if exists $DB" -c "create database $DB" 2>/dev/null
  run postgres DATABASE_URL="$PG/$DB"
  echo "postgres: size $(psql "$PG/postgres" -tAc "select pg_size_pretty(pg_database_size('$DB'))") (pg_database_size), $(psql "$PG/postgres" -tAc 'show server_version')"
  psql "$PG/postgres" -qc "drop database if exists $DB"
fi
