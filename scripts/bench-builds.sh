#!/usr/bin/env bash
# The season's builds on real workers (issue 20, part 5; issue 19's yearly summary), timed with one and with two
# workers: scripts/bench-builds.sh [PLANS at province scale, default 25].
# A throw-away PostgreSQL database with the demo's real year (three plans), Redis DB 11 as the broker; each round
# starts N Celery workers of one process each (as N machines would), then `manage.py bench_builds` queues the
# builds and waits: the province's yearly summary at 3 plans, then, topped up to the province's scale, every plan's
# nightly draft and the summary again. Loopback only; everything is dropped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
plans="${1:-25}"
redis_db="${BENCH_REDIS_DB:-11}"
database="binhson_builds_$(date +%s)_$$"
work="$(mktemp -d)"
workers=()

stop_workers() {
  for pid in "${workers[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${workers[@]}"; do wait "$pid" 2>/dev/null || true; done
  workers=()
}
cleanup() {
  stop_workers
  psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $database" >/dev/null 2>&1 || true
  redis-cli -h 127.0.0.1 -n "$redis_db" flushdb >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$database"
export DEBUG=0 SECRET_KEY="bench-$(head -c 24 /dev/urandom | base64 | tr -d '/+=')" ALLOWED_HOSTS=127.0.0.1
export LOG_LEVEL=WARNING CELERY_BROKER_URL="redis://127.0.0.1:6379/$redis_db" CACHE_URL="redis://127.0.0.1:6379/$redis_db"
export MEDIA_ROOT="$work/media" STATIC_ROOT="$work/static"

redis-cli -h 127.0.0.1 -n "$redis_db" flushdb >/dev/null
psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE $database"
echo "Chuẩn bị dữ liệu (ba kế hoạch của bản demo, một năm thật)…"
$PY manage.py migrate --noinput -v0
$PY manage.py load_indicators >/dev/null
$PY manage.py load_plan >/dev/null
for file in binhson_plan/plans/minh_hoa_tra_bong.yaml binhson_plan/plans/minh_hoa_ba_to.yaml; do
  $PY manage.py load_plan "$file" >/dev/null
done
for file in binhson_plan/plans/sap_xep_2025_*.yaml; do  # the 2025 reform, as make run loads it
  $PY manage.py load_reorganisation "$file" >/dev/null
done
$PY manage.py seed_demo --reports --force >/dev/null

start_workers() {
  for n in $(seq "$1"); do
    $PY -m celery -A binhson_plan worker --concurrency 1 --loglevel WARNING -n "bench$n@%h" \
      >"$work/worker-$n.log" 2>&1 &
    workers+=($!)
  done
  sleep 8  # the workers connect to the broker
}

round() {  # round WORKERS ARGS…: the builds of ARGS on WORKERS workers
  start_workers "$1"
  echo "-- $1 worker (mỗi worker một tiến trình); tải của máy: $(cut -d' ' -f1-3 /proc/loadavg)"
  $PY manage.py bench_builds "${@:2}"
  stop_workers
}

echo "== Quy mô thật =="
round 1 --summary
round 2 --summary
echo "== Quy mô tỉnh: bổ sung đến $plans kế hoạch =="
$PY manage.py bench_builds --scale "$plans"
round 1 --drafts --summary
round 2 --drafts --summary
grep -h -E "ERROR|Traceback" "$work"/worker-*.log | head -20 || true
