# ejournal: the web application (gunicorn) or the background-job worker, one image.
#   docker compose up -d          (compose.yaml: app, worker, PostgreSQL, Redis)
# The entry point (deploy/entrypoint.sh) waits for the database, runs
# `flask --app app init` (migrations and roles, safe on every start) and serves.

# The wheel is built apart: no compiler, source tree or tests in the image.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY . .
RUN pip wheel --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    EJOURNAL_INSTANCE_DIR=/var/lib/ejournal \
    LOG_FORMAT=json \
    PORT=8000
# DejaVu: the Cyrillic fonts of the PDF reports (PDF_FONT_DIR); pg_dump, pg_restore and
# psql for `flask --app app backup` and `restore` (the distribution's client, 15 or newer:
# it dumps the PostgreSQL 15 of compose.yaml).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core postgresql-client \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /wheels /wheels
RUN pip install "$(ls /wheels/ejournal-*.whl)[prod]" && rm -rf /wheels
COPY deploy/entrypoint.sh deploy/gunicorn.conf.py /opt/ejournal/
# Not root: the application owns only its data folder (database files of SQLite, uploads,
# the archive, the jobs' files); compose mounts a volume there.
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/ejournal --no-create-home ejournal \
    && mkdir -p /var/lib/ejournal \
    && chown ejournal:ejournal /var/lib/ejournal \
    && chmod 0755 /opt/ejournal/entrypoint.sh
USER ejournal
WORKDIR /var/lib/ejournal
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import os, urllib.request as u; u.urlopen('http://127.0.0.1:%s/health' % os.environ.get('PORT', '8000'), timeout=4)"
ENTRYPOINT ["/opt/ejournal/entrypoint.sh"]
CMD ["web"]
