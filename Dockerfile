# syntax=docker/dockerfile:1
# Dignity's image: one image for every role (web, worker, beat, migrate), chosen by the command (compose.yaml).
# Stage 1 installs the locked requirements into a virtualenv and collects static files; stage 2 copies only
# those and the code, and runs as an unprivileged user. Lint: `hadolint Dockerfile` (CI) or `docker build --check .`.

FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /app
RUN python -m venv /opt/venv
# The lock file alone first: the dependency layer is rebuilt only when the lock changes.
COPY requirements/lock.txt requirements/lock.txt
RUN /opt/venv/bin/pip install --no-deps --require-hashes -r requirements/lock.txt
COPY . .
# Static files are part of the image (WhiteNoise serves them, fingerprinted and compressed). Production settings
# refuse to start without a secret key and hosts; these build-only values never leave this stage.
RUN DJANGO_SETTINGS_MODULE=website.settings.production \
    DJANGO_SECRET_KEY=collectstatic-at-build-only \
    DJANGO_ALLOWED_HOSTS=build \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    DIGNITY_VAR_DIR=/tmp/dignity-build \
    /opt/venv/bin/python manage.py collectstatic --noinput -v0 \
    && rm -rf /tmp/dignity-build

FROM python:3.11-slim-bookworm
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=website.settings.production \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    DIGNITY_VAR_DIR=/data \
    DJANGO_MEDIA_ROOT=/data/media
RUN groupadd --system --gid 10001 dignity \
    && useradd --system --uid 10001 --gid dignity --home-dir /app --no-create-home --shell /usr/sbin/nologin dignity \
    && mkdir -p /data/media \
    && chown -R dignity:dignity /data
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
# Code and static files stay owned by root: the process can read them, not change them.
COPY --from=build /app /app
USER 10001:10001
EXPOSE 8000
VOLUME ["/data/media"]
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
CMD ["gunicorn", "website.wsgi", "--workers", "2", "--bind", "0.0.0.0:8000", "--timeout", "30", "--graceful-timeout", "15"]
