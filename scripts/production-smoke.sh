#!/usr/bin/env bash
# The production path, from requirements.txt alone: a virtualenv without the test tools, a fresh
# PostgreSQL database, Redis, gunicorn with DEBUG off, a Celery worker and beat; then, over HTTP, staff
# save a report with an evidence file, the reviewer asks for a consolidated build, the worker builds it, its three
# files and the evidence download. Every file lives in an S3 bucket; the web, the worker and the commands each have a
# MEDIA_ROOT of their own that must stay empty, so a shared disk cannot hide a file written by path.
#
#   scripts/production-smoke.sh
#
# Settings (environment):
#   SMOKE_REDIS_DB    Redis database number used as the broker (default 11; CI passes its own)
#   SMOKE_REDIS_URL   Redis server (default redis://127.0.0.1:6379)
#   SMOKE_PG          PostgreSQL server as user@host:port (default postgres@127.0.0.1:5432, trust)
#   SMOKE_VENV_ROOT   where the production virtualenv is kept between runs
#                     (default ${XDG_CACHE_HOME:-~/.cache}/binhson-plan; rebuilt when requirements.txt changes)
#   SMOKE_S3_ENDPOINT an S3 server to make the run's bucket on (default: moto_server from the project's .venv,
#                     started for this run; CI passes its own)
#   SMOKE_KEEP        1: keep the database and the temporary folder for a look afterwards
# Prints every step with its time and ends with PASS or FAIL (exit status 1).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
STARTED=$(date +%s%N)

REDIS_DB=${SMOKE_REDIS_DB:-11}
REDIS_URL=${SMOKE_REDIS_URL:-redis://127.0.0.1:6379}
PG=${SMOKE_PG:-postgres@127.0.0.1:5432}
PG_USER=${PG%@*}; PG_HOSTPORT=${PG#*@}; PG_HOST=${PG_HOSTPORT%:*}; PG_PORT=${PG_HOSTPORT#*:}
VENV_ROOT=${SMOKE_VENV_ROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/binhson-plan}
REQUIREMENTS_HASH=$(sha256sum requirements.txt | cut -c1-12)
VENV="$VENV_ROOT/prod-venv-$REQUIREMENTS_HASH"
WORK=$(mktemp -d /tmp/binhson-smoke.XXXXXX)
DATABASE="binhson_smoke_$(date +%s)_$$"
PIDS=()

seconds_since() { local ms=$((($(date +%s%N) - $1) / 1000000)); printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100)); }
elapsed() { printf '%6ss' "$(seconds_since "$STARTED")"; }
say() { echo "[$(elapsed)] $*"; }

finish() {
  local status=$?
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null
  done
  if [ "${SMOKE_KEEP:-0}" = 1 ]; then
    say "giữ lại cơ sở dữ liệu $DATABASE và thư mục $WORK (SMOKE_KEEP=1)"
  else
    psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -qc "DROP DATABASE IF EXISTS $DATABASE" >/dev/null 2>&1
    redis-cli -u "$REDIS_URL/$REDIS_DB" flushdb >/dev/null 2>&1
  fi
  if [ "$status" -eq 0 ]; then
    say "PASS: đường sản xuất chạy được từ requirements.txt (gunicorn, worker, beat, PostgreSQL, Redis, kho S3)"
  else
    for log in "$WORK"/*.log; do
      [ -f "$log" ] || continue
      echo "----- 40 dòng cuối của $(basename "$log") -----"
      grep -v "WARNING: Location" "$log" | tail -n 40
    done
    say "FAIL: đường sản xuất hỏng (xem bước cuối cùng ở trên)"
  fi
  [ "${SMOKE_KEEP:-0}" = 1 ] || rm -rf "$WORK"
  exit "$status"
}
trap finish EXIT
trap 'exit 130' INT TERM

step() {  # step "title" command…: run, time it, stop the whole run at the first failure
  local title=$1; shift
  local began; began=$(date +%s%N)
  say "$title …"
  if ! "$@"; then
    say "  HỎNG: $title"
    exit 1
  fi
  say "  ok ($(seconds_since "$began")s)"
}

wait_for() {  # wait_for seconds command…
  local seconds=$1; shift
  for _ in $(seq $((seconds * 5))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  return 1
}

make_venv() {
  if [ -x "$VENV/bin/python" ] && [ -f "$VENV/.complete" ]; then
    say "  (virtualenv đã có từ lần trước: $VENV)"
    return 0
  fi
  # System libraries the runtime needs (the Makefile's list), then requirements.txt alone.
  read -ra packages <<<"$(sed -n 's/^SYSTEM_PACKAGES := //p' Makefile)"
  ./scripts/install-system-packages.sh "${packages[@]}" postgresql-client redis-tools curl || return 1
  rm -rf "$VENV" && mkdir -p "$VENV_ROOT"
  find "$VENV_ROOT" -maxdepth 1 -name 'prod-venv-*' -mtime +30 -exec rm -rf {} + 2>/dev/null
  python3 -m venv "$VENV" || return 1
  "$VENV/bin/python" -m pip install --quiet --upgrade pip >"$WORK/pip.log" 2>&1 || return 1
  "$VENV/bin/python" -m pip install --quiet -r requirements.txt >>"$WORK/pip.log" 2>&1 || return 1
  touch "$VENV/.complete"
}

no_test_tools() {
  # The point of this run: nothing that the test tools bring may hide a missing runtime package.
  if "$VENV/bin/python" -c "import pytest" 2>/dev/null; then
    echo "pytest is importable in $VENV: this is not a production environment"
    return 1
  fi
  local tools
  tools=$("$VENV/bin/python" -m pip list --format=freeze 2>/dev/null | grep -iE '^(pytest|ruff|selenium)' || true)
  [ -z "$tools" ] || { echo "test tools installed in $VENV: $tools"; return 1; }
}

services_up() {
  pg_isready -h "$PG_HOST" -p "$PG_PORT" -q || { echo "PostgreSQL không chạy ở $PG_HOSTPORT"; return 1; }
  redis-cli -u "$REDIS_URL/$REDIS_DB" ping | grep -q PONG || { echo "Redis không chạy ở $REDIS_URL"; return 1; }
  redis-cli -u "$REDIS_URL/$REDIS_DB" flushdb >/dev/null
}

create_database() {
  psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -qc "CREATE DATABASE $DATABASE"
}

PY="$VENV/bin/python"
manage() { "$PY" manage.py "$@" >>"$WORK/manage.log" 2>&1; }

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export DEBUG=0
export SECRET_KEY="smoke-$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')-$(date +%s)"
export ALLOWED_HOSTS=127.0.0.1,localhost
export DATABASE_URL="postgres://$PG_USER@$PG_HOST:$PG_PORT/$DATABASE"
export CELERY_BROKER_URL="$REDIS_URL/$REDIS_DB"
export MEDIA_ROOT="$WORK/manage/media" STATIC_ROOT="$WORK/static"
# The files: a bucket of this run on an S3 server (never the disk: each process has a MEDIA_ROOT of its own, below).
S3_ENDPOINT=${SMOKE_S3_ENDPOINT:-}
export AWS_STORAGE_BUCKET_NAME="binhson-smoke-$(date +%s)-$$" AWS_ACCESS_KEY_ID=smoke AWS_SECRET_ACCESS_KEY=smoke-secret
export AWS_S3_REGION_NAME=us-east-1
export EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend
# Plain HTTP on 127.0.0.1: there is no TLS proxy in front here (docker-compose puts one in production).
export SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 SECURE_HSTS_SECONDS=0
unset CELERY_RESULT_BACKEND PYTHONPATH DJANGO_SETTINGS_MODULE

start() {  # start name command…: in the background, logged, stopped by the trap
  local name=$1; shift
  "$@" >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
}

start_s3() {
  if [ -z "$S3_ENDPOINT" ]; then
    [ -x "$ROOT/.venv/bin/moto_server" ] || { echo "không có .venv/bin/moto_server (make setup-test) và SMOKE_S3_ENDPOINT"; return 1; }
    local port
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    start s3 "$ROOT/.venv/bin/moto_server" -H 127.0.0.1 -p "$port"
    S3_ENDPOINT="http://127.0.0.1:$port"
    wait_for 30 curl -fsS -o /dev/null "$S3_ENDPOINT/" || return 1
  fi
  export AWS_S3_ENDPOINT_URL="$S3_ENDPOINT"
  "$PY" manage.py shell --no-imports -v 0 -c "from django.core.files.storage import default_storage as d
d.connection.meta.client.create_bucket(Bucket=d.bucket_name)
print('    bucket', d.bucket_name, 'tại', d.endpoint_url)" || return 1
}

s3_objects() {  # the names of every object in the run's bucket, one a line
  "$PY" manage.py shell --no-imports -v 0 -c "from django.core.files.storage import default_storage as d
print('\n'.join(sorted(o.key for o in d.bucket.objects.all())))" | sort
}

files_are_in_the_bucket() {
  local objects
  objects=$(s3_objects) || return 1
  echo "$objects" | sed 's/^/    /'
  grep -q '^minh-chung/.*smoke-minh-chung.*\.pdf$' <<<"$objects" || { echo "thiếu tệp minh chứng trong kho S3"; return 1; }
  for kind in pdf xlsx docx; do
    grep -q "^bao-cao-tong-hop/.*\.$kind\$" <<<"$objects" || { echo "thiếu tệp $kind trong kho S3"; return 1; }
  done
}

no_file_on_any_disk() {
  local found
  found=$(find "$WORK/manage/media" "$WORK/web/media" "$WORK/worker/media" -type f 2>/dev/null)
  [ -z "$found" ] || { echo "tệp ghi xuống đĩa thay vì kho S3: $found"; return 1; }
}

backup_holds_the_bucket() {
  manage backup --dest "$WORK/backups" || return 1
  local listing
  listing=$(tar -tzf "$WORK"/backups/binhson-*/media.tar.gz) || return 1
  echo "$listing" | sed 's/^/    /'
  [ "$(sort <<<"$listing")" = "$(s3_objects)" ] || { echo "bản sao lưu không giữ đúng các tệp của kho S3"; return 1; }
}

start_gunicorn() {
  # Its own control socket would replace that of any other gunicorn on the machine (~/.gunicorn/). The web and the
  # worker each have their own MEDIA_ROOT (as on two machines): a file one writes to its disk the other never sees.
  MEDIA_ROOT="$WORK/web/media" start gunicorn "$VENV/bin/gunicorn" binhson_plan.wsgi:application --bind "127.0.0.1:$PORT" --workers 2 \
    --access-logfile - --no-control-socket
  wait_for 30 curl -fsS -o /dev/null "http://127.0.0.1:$PORT/dang-nhap/"
}

start_worker() {
  MEDIA_ROOT="$WORK/worker/media" start worker "$VENV/bin/celery" -A binhson_plan worker --loglevel INFO --concurrency 1 \
    --hostname "smoke-$$@%h" --without-gossip --without-mingle
  # Ready when it says so; a worker that cannot import its transport dies here, which is what this run is for.
  wait_for_log worker "ready\." 60
}

wait_for_log() {  # wait_for_log name pattern seconds: the last started process logs it, or fails if it died
  local pid=${PIDS[-1]}
  for _ in $(seq $(($3 * 5))); do
    grep -q "$2" "$WORK/$1.log" && return 0
    kill -0 "$pid" 2>/dev/null || { echo "$1 đã dừng"; return 1; }
    sleep 0.2
  done
  return 1
}

start_beat() {
  MEDIA_ROOT="$WORK/worker/media" start beat "$VENV/bin/celery" -A binhson_plan beat --loglevel INFO --schedule "$WORK/celerybeat-schedule"
  wait_for_log beat "beat: Starting" 30 && sleep 1 && kill -0 "${PIDS[-1]}"
}

undecodable_form_is_a_400() {
  # Issue 17: a form in another character set, with a CSRF cookie, was gunicorn's bare 500.
  local page
  page=$(curl -sS -w '\n%{http_code}' -X POST "http://127.0.0.1:$PORT/dang-nhap/" \
    -H "Content-Type: application/x-www-form-urlencoded; charset=utf-16" -H "Cookie: csrftoken=$(printf 'a%.0s' {1..32})" \
    --data-binary 'username=a&password=b')
  [ "$(tail -n1 <<<"$page")" = 400 ] && grep -q "không theo bảng mã UTF-8" <<<"$page" && return 0
  echo "trả lời: $(tail -n1 <<<"$page")"
  return 1
}

step "virtualenv chỉ từ requirements.txt ($VENV)" make_venv
step "không có công cụ kiểm thử trong virtualenv (import pytest phải hỏng)" no_test_tools
step "PostgreSQL và Redis (CSDL Redis số $REDIS_DB)" services_up
step "tạo cơ sở dữ liệu mới $DATABASE" create_database
step "kho S3 cho lần chạy này (bucket $AWS_STORAGE_BUCKET_NAME)" start_s3
step "migrate" manage migrate --noinput
step "load_indicators" manage load_indicators
step "load_plan" manage load_plan
step "collectstatic" manage collectstatic --noinput
step "open_cycles (mở kỳ báo cáo năm nay, như docker-compose khi khởi động và beat mỗi đêm)" manage open_cycles
step "seed_demo --force (người dùng thử: Văn phòng huyện và cán bộ đơn vị)" manage seed_demo --force
step "gunicorn, DEBUG tắt, tại http://127.0.0.1:$PORT" start_gunicorn
step "Celery worker" start_worker
step "Celery beat" start_beat
step "qua HTTP: đăng nhập, lưu báo cáo kèm minh chứng, dựng báo cáo tổng hợp, tải minh chứng và ba tệp" \
  "$PY" scripts/production_smoke_client.py "http://127.0.0.1:$PORT"
step "biểu mẫu gửi theo bảng mã UTF-16 (kèm cookie CSRF): trang 400, không phải 500" undecodable_form_is_a_400
step "worker đã ghi nhận việc dựng" grep -q "build_consolidated_report_job.*succeeded" "$WORK/worker.log"
step "minh chứng và ba tệp báo cáo nằm trong kho S3" files_are_in_the_bucket
step "không tệp nào ghi xuống đĩa (MEDIA_ROOT của web, worker và lệnh quản trị đều trống)" no_file_on_any_disk
step "sao lưu: giữ đúng mọi tệp của kho S3" backup_holds_the_bucket
