#!/usr/bin/env bash
# `make loadtest`: the site as production runs it, on loopback, under fifty simulated staff.
#
#  1. A throw-away PostgreSQL with pgvector (.ci/pgserver.py), migrated, with the demo data and the load
#     test's staff (manage.py seed_demo, manage.py loadtest --prepare).
#  2. Redis (Debian's redis-server, `make system-deps`), a Celery worker (beat embedded) on it, and
#     gunicorn with LOADTEST_WEB_WORKERS processes.
#  3. Locust, headless, bounded in users, time and requests (deploy/loadtest/locustfile.py).
#  4. The latency of the queued work, read from the database (manage.py loadtest --report).
# Everything started here is stopped on any exit. The report: var/loadtest/report.html, the CSV files
# var/loadtest/locust_*.csv, the task latency var/loadtest/tasks.json, the logs var/loadtest/*.log.
set -euo pipefail
cd "$(dirname "$0")/../.."

PY=.venv/bin/python
OUT=${LOADTEST_OUT:-var/loadtest}
WEB_PORT=${LOADTEST_WEB_PORT:-8401}
REDIS_PORT=${LOADTEST_REDIS_PORT:-8410}
USERS=${LOADTEST_USERS:-50}
SPAWN_RATE=${LOADTEST_SPAWN_RATE:-2}
RUN_TIME=${LOADTEST_RUN_TIME:-3m}
MAX_REQUESTS=${LOADTEST_MAX_REQUESTS:-20000}
WEB_WORKERS=${LOADTEST_WEB_WORKERS:-4}
CELERY_CONCURRENCY=${LOADTEST_CELERY_CONCURRENCY:-2}

command -v redis-server >/dev/null || { echo "redis-server is missing: run make system-deps" >&2; exit 1; }
for port in "$WEB_PORT" "$REDIS_PORT"; do  # another server there would be measured instead of ours
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is in use: set LOADTEST_WEB_PORT / LOADTEST_REDIS_PORT" >&2; exit 1
  fi
done
rm -rf "$OUT" && mkdir -p "$OUT/var" && OUT=$(cd "$OUT" && pwd)
pgdir=$(mktemp -d "${TMPDIR:-/tmp}/homeward-loadtest-pg.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  $PY .ci/pgserver.py stop "$pgdir" >/dev/null 2>&1 || true
  rm -rf "$pgdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

DATABASE_URL=$($PY .ci/pgserver.py start "$pgdir" | tail -n 1)
export DATABASE_URL
export CELERY_BROKER_URL="redis://127.0.0.1:$REDIS_PORT/0"
export VAR_DIR="$OUT/var" DEBUG=0 ALLOWED_HOSTS=127.0.0.1 LOG_LEVEL=WARNING DB_CONN_MAX_AGE=60
SECRET_KEY=$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')
export SECRET_KEY

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$OUT" \
  --logfile "$OUT/redis.log" &
pids+=($!)
for _ in $(seq 20); do
  (exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT") 2>/dev/null && break
  sleep 0.5
done

echo "== Database: migrate, demo data, load-test staff"
$PY manage.py migrate --noinput -v 0
$PY manage.py seed_demo >/dev/null
$PY manage.py loadtest --prepare --frames "$OUT/frames" --api-token "$OUT/api-token"

echo "== Celery worker ($CELERY_CONCURRENCY processes, beat embedded) and gunicorn ($WEB_WORKERS workers) on 127.0.0.1:$WEB_PORT"
.venv/bin/celery -A config worker -B --concurrency "$CELERY_CONCURRENCY" --loglevel="${LOADTEST_CELERY_LOG:-warning}" \
  --schedule "$OUT/var/celerybeat-schedule" >"$OUT/celery.log" 2>&1 &
pids+=($!)
.venv/bin/gunicorn config.wsgi -c deploy/gunicorn.conf.py --bind "127.0.0.1:$WEB_PORT" --workers "$WEB_WORKERS" \
  --error-logfile "$OUT/gunicorn.log" &
pids+=($!)
for _ in $(seq 60); do
  curl -fsS -o /dev/null "http://127.0.0.1:$WEB_PORT/accounts/login/" 2>/dev/null && break
  sleep 1
done

started=$($PY -c 'import datetime; print(datetime.datetime.now(datetime.timezone.utc).isoformat())')
echo "== Locust: $USERS users for $RUN_TIME (at most $MAX_REQUESTS requests); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
LOADTEST_FRAMES="$OUT/frames" LOADTEST_PHOTOS=tests/faces LOADTEST_MAX_REQUESTS=$MAX_REQUESTS \
  LOADTEST_API_TOKEN_FILE="$OUT/api-token" \
  .venv/bin/locust -f deploy/loadtest/locustfile.py --headless --host "http://127.0.0.1:$WEB_PORT" \
  --users "$USERS" --spawn-rate "$SPAWN_RATE" --run-time "$RUN_TIME" --stop-timeout 10 \
  --csv "$OUT/locust" --html "$OUT/report.html" --only-summary --loglevel WARNING \
  2>&1 | tee "$OUT/locust.log" || locust_status=$?
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/locust.log"

echo "== Queued work: let the worker finish, then the latency from the database"
sleep 15
$PY manage.py loadtest --report --since "$started" --json "$OUT/tasks.json"
exit "${locust_status:-0}"
