#!/bin/sh
# Runs the Dockerfile's own steps outside Docker (no engine runs on our machines):
# collectstatic with production settings, gunicorn as the image starts it, and the
# HEALTHCHECK request. Used by CI; needs a migrated DATABASE_URL.
set -eu
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
PORT=${SMOKE_PORT:-8097}
STATIC_ROOT_DIR=$(mktemp -d)
export DJANGO_SETTINGS_MODULE=patterns_site.settings.production
export SECRET_KEY=$($PY -c "import secrets; print(secrets.token_urlsafe(50))")
export ALLOWED_HOSTS=127.0.0.1,localhost
export STATIC_ROOT="$STATIC_ROOT_DIR"
unset DJANGO_ALLOW_ASYNC_UNSAFE || true

# As docker-compose runs it, with Redis for the shared page cache, when one answers here.
if [ -z "${REDIS_URL:-}" ] && $PY -c "import redis; redis.Redis(host='127.0.0.1', socket_connect_timeout=1).ping()" 2>/dev/null; then
  export REDIS_URL=redis://127.0.0.1:6379/13
  $PY -c "import os, redis; redis.Redis.from_url(os.environ['REDIS_URL']).flushdb()"
fi

$PY manage.py check --deploy --fail-level WARNING
# Plain HTTP on loopback for the smoke test; a real deployment terminates TLS in front.
export SECURE_SSL_REDIRECT=false
$PY manage.py collectstatic --noinput --verbosity 0
$PY -m gunicorn patterns_site.wsgi:application --bind "127.0.0.1:$PORT" --workers 2 \
  --access-logfile - --timeout 30 > /tmp/container-smoke.log 2>&1 &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null || true; rm -rf "$STATIC_ROOT_DIR"' EXIT

for _ in $(seq 1 30); do
  if PORT=$PORT $PY -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz', timeout=4)" 2>/dev/null; then
    break
  fi
  sleep 1
done
PORT=$PORT $PY - <<'PYTHON'
import os
import re
import urllib.request

base = f"http://127.0.0.1:{os.environ['PORT']}"
health = urllib.request.urlopen(base + "/healthz", timeout=5)
assert health.status == 200, health.status
page = urllib.request.urlopen(base + "/components/", timeout=10)
html = page.read().decode()
assert "Content-Security-Policy" in page.headers, "no CSP header"
css = re.search(r'href="(/static/css/plumbing\.[0-9a-f]{12}\.css)"', html)
assert css, "stylesheet is not served under a hashed name"
static = urllib.request.urlopen(base + css.group(1), timeout=5)
assert "immutable" in static.headers.get("Cache-Control", ""), static.headers
checked = "healthz 200, hashed static files, CSP header"
if os.environ.get("REDIS_URL"):
    again = urllib.request.urlopen(base + "/components/", timeout=10)
    assert again.headers.get("X-Page-Cache") == "hit", "second visit not served from Redis"
    checked += ", page cache in Redis"
print(f"container smoke test passed: {checked}")
PYTHON
