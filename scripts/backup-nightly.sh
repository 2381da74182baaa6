#!/bin/sh
# The `backup` service of docker-compose.yml: one backup a night at BACKUP_AT (HH:MM, the container's TZ),
# kept BACKUP_KEEP_DAYS days (manage.py backup prunes older ones). A failed night is logged and retried
# the next night; the health of the backups shows in `docker compose logs backup`.
set -eu
at="${BACKUP_AT:-02:30}"
while true; do
  now=$(date +%s)
  next=$(date -d "today $at" +%s)
  [ "$next" -gt "$now" ] || next=$(date -d "tomorrow $at" +%s)
  echo "Bản sao lưu kế tiếp lúc $(date -d "@$next" '+%H:%M %d/%m/%Y')"
  sleep $((next - now))
  python manage.py backup || echo "Sao lưu không thành công; thử lại đêm sau." >&2
done
