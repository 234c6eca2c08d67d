# fkmap for a team: gunicorn serving the dashboard (app:server), configured by FKMAP_* variables.
#
#   docker build -t fkmap .
#   docker run -p 127.0.0.1:8050:8050 -v "$PWD:/src:ro" -e FKMAP_SOURCES=/src \
#              -e FKMAP_STATE=postgresql://fkmap@db/fkmap fkmap
#
# Inside the container gunicorn binds 0.0.0.0:8050 (a container must listen on its own
# interface to be reachable); publish the port on 127.0.0.1 unless others must reach it.
# Several hosts: set FKMAP_REDIS_URL and run the same image as a Celery worker:
#   docker run ... fkmap celery -A app:celery_app worker --concurrency=2 --loglevel=INFO
# See README, "Deployment".

ARG PYTHON_IMAGE=python:3.11-slim

# ---------------------------------------------------------------------------- build: the virtualenv
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app
# Pinned dependencies (and the deploy extra) first: this layer is reused until pyproject.toml changes.
COPY pyproject.toml README.md ./
RUN python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; \
print('\n'.join(p['dependencies'] + p['optional-dependencies']['deploy']))" > /tmp/requirements.txt \
 && pip install --requirement /tmp/requirements.txt
COPY . .
# Editable: the app keeps finding assets/ and examples/ next to app.py, and `fkmap` is on PATH.
RUN pip install --no-deps --editable . \
 && python -m compileall -q /app /opt/venv/lib

# ---------------------------------------------------------------------------- runtime
FROM ${PYTHON_IMAGE} AS runtime
# graphviz: `dot` renders SVG/PNG exports; no version pin, the base image's Debian release fixes it.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends graphviz \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 fkmap \
 && useradd --system --uid 10001 --gid fkmap --home-dir /home/fkmap --create-home --shell /usr/sbin/nologin fkmap \
 && install -d -o fkmap -g fkmap -m 0700 /var/cache/fkmap /var/lib/fkmap
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
WORKDIR /app
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    FKMAP_SOURCES=/app/examples/demo \
    FKMAP_CONFIG= \
    FKMAP_STATE=/var/lib/fkmap/state.db \
    FKMAP_CACHE_DIR=/var/cache/fkmap \
    FKMAP_REDIS_URL= \
    FKMAP_AUTH= \
    WEB_CONCURRENCY=4
USER 10001:10001
VOLUME ["/var/cache/fkmap", "/var/lib/fkmap"]
EXPOSE 8050
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request as u; sys.exit(u.urlopen('http://127.0.0.1:8050/healthz', timeout=4).status != 200)"]
# Workers: WEB_CONCURRENCY (gunicorn reads it); other gunicorn flags: GUNICORN_CMD_ARGS.
CMD ["gunicorn", "--bind", "0.0.0.0:8050", "--timeout", "120", "--no-control-socket", \
     "--access-logfile", "-", "app:server"]
