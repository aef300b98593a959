# syntax=docker/dockerfile:1
# One image for every process of Ratusz, chosen by its command (the chart sets it):
#   web     gunicorn -c python:platform_core.gunicorn_conf platform_core.wsgi   (the default)
#   worker  celery -A platform_core worker --loglevel=INFO
#   beat    celery -A platform_core beat --loglevel=INFO --schedule=/tmp/celerybeat-schedule
#   jobs    django-admin migrate_units   (and any other management command: django-admin <command>)
# Static files (collected, compressed, with hashed names) and the compiled Polish catalogue are baked in; the
# final stage has no compiler, no gettext and no pip cache, and runs as an unprivileged user with a read-only root
# filesystem (/tmp is the only place it writes). See docs/deployment.md.

ARG PYTHON_VERSION=3.12

# --- build: dependencies, the project, compiled messages, collected static files ------------------------------
FROM python:${PYTHON_VERSION}-slim-bookworm AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

# gettext for compilemessages; a compiler for any dependency without a wheel for this platform. Neither reaches
# the final stage. Versions follow the base image (rebuilt for Debian's security updates), not pins.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential gettext \
    && rm -rf /var/lib/apt/lists/*

RUN python -m venv "$VIRTUAL_ENV"
WORKDIR /src

# Dependencies first, from pyproject.toml alone: this layer is reused while only the code changes.
COPY pyproject.toml README.md ./
RUN python -c "import tomllib; deps = tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']; open('/tmp/requirements.txt', 'w').write('\n'.join(deps))" \
    && pip install --no-cache-dir -r /tmp/requirements.txt

# The project itself (platform_core, tenants, shared_services, onboarding; not infra, which production never runs).
COPY platform_core ./platform_core
COPY tenants ./tenants
COPY shared_services ./shared_services
COPY onboarding ./onboarding
RUN pip install --no-cache-dir --no-deps . \
    && python -m compileall -q "$VIRTUAL_ENV"

# Settings are read in development mode here, so nothing production requires is asked for; DATABASE_URL is never
# connected to (it only keeps the settings from starting the embedded development database, which is not installed).
ENV DJANGO_SETTINGS_MODULE=platform_core.settings \
    STATIC_ROOT=/opt/ratusz/static \
    SERVE_STATIC_FILES=on
# compilemessages compiles LOCALE_PATHS, the installed package's catalogue (the committed .mo, made again here).
RUN DATABASE_URL=postgresql://build@127.0.0.1:1/build RATUSZ_DATA_DIR=/tmp/build-data \
       django-admin compilemessages -l pl \
    && DATABASE_URL=postgresql://build@127.0.0.1:1/build RATUSZ_DATA_DIR=/tmp/build-data \
       django-admin collectstatic --noinput --verbosity 0 \
    && python -c "import pathlib, platform_core; assert (pathlib.Path(platform_core.__file__).parent / 'locale/pl/LC_MESSAGES/django.mo').stat().st_size" \
    && test -s /opt/ratusz/static/staticfiles.json \
    && pip uninstall --yes --quiet pip

# --- runtime: the virtualenv and the static files, nothing else ----------------------------------------------
FROM python:${PYTHON_VERSION}-slim-bookworm AS runtime

LABEL org.opencontainers.image.title="ratusz" \
      org.opencontainers.image.description="Ratusz: e-administration for a consortium of Polish local governments"

# A fixed uid/gid, the one the chart's securityContext names (runAsUser 10001).
RUN groupadd --system --gid 10001 ratusz \
    && useradd --system --uid 10001 --gid ratusz --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin ratusz

COPY --from=build /opt/venv /opt/venv
COPY --from=build /opt/ratusz/static /opt/ratusz/static

ENV VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=platform_core.settings \
    RATUSZ_ENV=production \
    SERVE_STATIC_FILES=on \
    STATIC_ROOT=/opt/ratusz/static \
    RATUSZ_DATA_DIR=/tmp/ratusz \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus \
    PORT=8000

USER 10001:10001
WORKDIR /tmp
EXPOSE 8000
CMD ["gunicorn", "-c", "python:platform_core.gunicorn_conf", "platform_core.wsgi"]
