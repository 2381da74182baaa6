#!/usr/bin/env bash
# A season's load, measured: loadtest/run.sh [SECONDS per run, default 60].
# Builds a throw-away PostgreSQL database with a real year (seed_demo --reports) put back to the week
# before 05/12 (loadtest/prepare.py), serves it with gunicorn and DEBUG off (Redis DB 12 as broker and
# cache), then runs loadtest/locustfile.py with 50 people twice: with pauses between pages (LOAD_THINK
# seconds, default 3: the latency goal) and without (the saturation throughput). People arrive two a
# second, already signed in (loadtest/prepare.py), and the figures count from when all 50 are in; the
# server's CPU per request (gunicorn + PostgreSQL, read from /proc) says what a dedicated machine would do.
# LOAD_CAST_SCALE=province loadtest/run.sh [SECONDS]: the province's cast instead of the district's. The demo's
# three plans (Bình Sơn, Trà Bồng, Ba Tơ, seeded), topped up to 25 plans, about 120 agencies and 600 reports
# (`manage.py bench_builds --scale 25`), and 200 people over every plan (loadtest/prepare.py province): staff
# of as many agencies, a reviewer per plan, the Sở (every plan, the province view /tinh/ and the indicator API),
# leaders, visitors; they arrive seven a second (all in within ~30 s) and the figures count from then.
# Loopback only; each run stops by itself; everything is dropped at the end. Other settings: LOAD_THINK,
# LOAD_PORT, LOAD_REDIS_DB (12), LOAD_WORKERS (gunicorn's, 3).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
seconds="${1:-60}"
port="${LOAD_PORT:-8765}"
redis_db="${LOAD_REDIS_DB:-12}"
workers="${LOAD_WORKERS:-3}"
scale="${LOAD_CAST_SCALE:-district}"
case "$scale" in
  district) people=50 rate=2 ;;
  province) people=200 rate=7 ;;
  *) echo "LOAD_CAST_SCALE: district (mặc định) hoặc province, không phải “$scale”." >&2; exit 2 ;;
esac
ramp=$(((people + rate - 1) / rate))  # seconds until everyone is in
window=$((seconds > 25 ? seconds - 20 : 5))  # the CPU reading: from 15 s after everyone is in, 5 s before the end
database="binhson_load_$(date +%s)_$$"
work="$(mktemp -d)"
server=""

cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $database" >/dev/null 2>&1 || true
  redis-cli -h 127.0.0.1 -n "$redis_db" flushdb >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$database"
export DEBUG=0 SECRET_KEY="load-test-$(head -c 24 /dev/urandom | base64 | tr -d '/+=')" ALLOWED_HOSTS=127.0.0.1
export SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 LOG_LEVEL=WARNING
export CELERY_BROKER_URL="redis://127.0.0.1:6379/$redis_db" CACHE_URL="redis://127.0.0.1:6379/$redis_db"
export STATIC_ROOT="$work/static" MEDIA_ROOT="$work/media"

redis-cli -h 127.0.0.1 -n "$redis_db" flushdb >/dev/null
psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE $database"
echo "Chuẩn bị dữ liệu (một năm thật, tuần trước hạn 05/12)…"
$PY manage.py migrate --noinput -v0
if [ "$scale" = province ]; then
  $PY manage.py load_indicators >/dev/null
  $PY manage.py load_plan >/dev/null
  for plan in minh_hoa_tra_bong minh_hoa_ba_to; do
    $PY manage.py load_plan "binhson_plan/plans/$plan.yaml" >/dev/null
  done
  for plan in binh_son minh_hoa_tra_bong minh_hoa_ba_to; do  # the 2025 reform, as make run loads it
    $PY manage.py load_reorganisation "binhson_plan/plans/sap_xep_2025_$plan.yaml" >/dev/null
  done
  $PY manage.py seed_demo --reports --force >/dev/null
  $PY manage.py bench_builds --scale 25 >/dev/null
  $PY loadtest/prepare.py province >"$work/cast.json"  # prints what it made on stderr
else
  $PY manage.py load_plan >/dev/null
  $PY manage.py seed_demo --reports --force >/dev/null
  $PY loadtest/prepare.py >"$work/cast.json"
fi
$PY manage.py collectstatic --noinput -v0

$PY -m gunicorn binhson_plan.wsgi:application --bind "127.0.0.1:$port" --workers "$workers" \
  --log-level warning --access-logfile "$work/access.log" >"$work/gunicorn.log" 2>&1 &
server=$!
for _ in $(seq 60); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
echo "gunicorn: $workers worker, DEBUG tắt, PostgreSQL, Redis DB $redis_db; $people người dùng, ${seconds} s mỗi lượt."

for think in "${LOAD_THINK:-3}" 0; do
  label="nghỉ trung bình ${think} s giữa hai trang"
  [ "$think" = 0 ] && label="không nghỉ (bão hòa)"
  echo
  echo "== $people người dùng, $label =="
  LOAD_CAST="$work/cast.json" LOAD_THINK="$think" .venv/bin/locust -f loadtest/locustfile.py --headless \
    -u "$people" -r "$rate" -t "$((ramp + 15 + window + 5))s" --reset-stats --host "http://127.0.0.1:$port" \
    --csv "$work/run-$think" --only-summary --stop-timeout 10 >"$work/locust-$think.log" 2>&1 &
  locust=$!
  # The server's own cost, read once everyone is in and logged in, and again before the end.
  sleep "$((ramp + 15))"
  read -r web0 db0 requests0 < <($PY loadtest/cpu.py "$server" "$database" "$work/access.log")
  sleep "$window"
  read -r web1 db1 requests1 < <($PY loadtest/cpu.py "$server" "$database" "$work/access.log")
  wait "$locust" || true
  [ -s "$work/run-${think}_stats.csv" ] || { echo "locust không chạy được:"; tail -20 "$work/locust-$think.log"; exit 1; }
  $PY loadtest/summary.py "$work/run-${think}_stats.csv"
  python3 -c "
web, db, n = $web1 - $web0, $db1 - $db0, $requests1 - $requests0
cpu = web + db
ms = lambda seconds: f'{seconds * 1000 / n:.1f}'.replace('.', ',')  # a decimal comma, as everywhere in the portal
if n and cpu:
    print(f'Máy chủ (gunicorn + PostgreSQL): {ms(cpu)} ms CPU cho mỗi yêu cầu ({n} yêu cầu), trong đó '
          f'gunicorn {ms(web)} ms, PostgreSQL {ms(db)} ms; trên 2 lõi dành riêng: tối đa {2 * n / cpu:.0f} yêu cầu/s')
else:
    print(f'Máy chủ: không đo được CPU cho mỗi yêu cầu ({n} yêu cầu trong $window s).')"
  echo "Tải của máy lúc đo: $(cut -d' ' -f1-3 /proc/loadavg | tr . ,)"
  if [ -s "$work/run-${think}_failures.csv" ] && [ "$(wc -l <"$work/run-${think}_failures.csv")" -gt 1 ]; then
    echo "Lỗi:"; cat "$work/run-${think}_failures.csv"
  fi
done
grep -E "Internal Server Error" "$work/gunicorn.log" | head -20 || true
