# syntax=docker/dockerfile:1

# One image for web (gunicorn, the default command), the Celery worker and beat, and migrations.
#   docker build -t academy .
# Run-time configuration is environment variables only (see academy/settings.py).

ARG PYTHON_IMAGE=python:3.11-slim

# --- Dependencies: a virtualenv installed from the hashed lock ------------------------------
FROM ${PYTHON_IMAGE} AS deps

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_ROOT_USER_ACTION=ignore

RUN python -m venv /opt/venv

# Only the lock, so this layer is rebuilt only when the lock changes. Every package must match a
# hash in the lock (--require-hashes) and nothing outside it is installed (--no-deps). Wheels
# only: the lock has a wheel for every package, so the image needs no compiler.
COPY requirements.lock /tmp/requirements.lock
RUN /opt/venv/bin/pip install --require-hashes --no-deps --only-binary=:all: \
        -r /tmp/requirements.lock

# --- Runtime ----------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=academy.settings

# Fixed numeric ids, so volume ownership is stable and runAsNonRoot-style checks can verify them.
# The home directory holds gunicorn's control socket (~/.gunicorn).
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app \
        --shell /usr/sbin/nologin app

# DejaVu: the certificate PDF embeds it, so names in any script print correctly.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

COPY --from=deps /opt/venv /opt/venv

WORKDIR /app
# The code stays owned by root, so the app user cannot modify it.
COPY . .

# Static files are collected (and compressed, hashed for WhiteNoise) at build time into var/static.
# Settings refuse to load without a secret key when DEBUG is off: the throwaway value below exists
# only for this one command and is not stored in the image's environment.
# Then: byte-compile the code (it cannot be written at run time), and make var/ (media, the beat
# schedule) writable by the app user. var/media is created here so a fresh named volume mounted
# on it copies this ownership.
RUN DJANGO_SECRET_KEY=build-only-collectstatic-not-a-secret DJANGO_DEBUG=false \
        python manage.py collectstatic --noinput \
    && python -m compileall -q academy courses learn teach \
    && mkdir -p var/media var/keys \
    && chown app:app var var/media var/keys \
    && chmod 700 var/keys

USER 10001:10001

EXPOSE 8000

# Sized for 2 CPU cores: 3 processes x 4 threads. Access and error logs go to stdout/stderr.
CMD ["gunicorn", "academy.wsgi:application", \
     "--bind=0.0.0.0:8000", \
     "--workers=3", \
     "--worker-class=gthread", \
     "--threads=4", \
     "--timeout=30", \
     "--graceful-timeout=30", \
     "--keep-alive=5", \
     "--max-requests=1000", \
     "--max-requests-jitter=100", \
     "--worker-tmp-dir=/dev/shm", \
     "--access-logfile=-", \
     "--error-logfile=-"]
