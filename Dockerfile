# syntax=docker/dockerfile:1
# Production image: front-end assets built with Node in the first stage, the Python app
# in the second, running as a non-root user behind gunicorn.

FROM node:20-bookworm-slim AS frontend
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY static/scss static/scss
COPY scripts/build-frontend.sh scripts/build-frontend.sh
RUN sh scripts/build-frontend.sh

FROM python:3.11-slim-bookworm AS app
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=patterns_site.settings.production \
    PORT=8000 \
    WEB_CONCURRENCY=2
WORKDIR /app
COPY requirements.txt ./
RUN pip install -r requirements.txt
COPY . .
COPY --from=frontend /app/build/frontend build/frontend
# collectstatic needs settings to import; these build-time values never reach runtime.
RUN SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput --verbosity 0 \
 && useradd --system --uid 10001 --home-dir /app plumbing \
 && mkdir -p /app/media && chown plumbing /app/media
USER plumbing
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz', timeout=4)" || exit 1
CMD ["sh", "-c", "exec gunicorn patterns_site.wsgi:application --bind 0.0.0.0:${PORT} --workers ${WEB_CONCURRENCY} --access-logfile - --timeout 30"]
