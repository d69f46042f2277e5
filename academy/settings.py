"""Settings for the academy site.

Every difference between environments is an environment variable (django-environ).
The defaults give a working single-machine site: SQLite under var/, tasks run in-process,
e-mail written to var/mail/. Production sets DJANGO_SECRET_KEY, DATABASE_URL, REDIS_URL,
EMAIL_URL, ALLOWED_HOSTS and SITE_URL.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Served over HTTPS behind a TLS-terminating proxy: secure cookies, HSTS, redirect to https.
HTTPS = env.bool("DJANGO_HTTPS", default=not DEBUG)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
            '(python -c "import secrets; print(secrets.token_urlsafe(50))").'
        )
    SECRET_KEY = "insecure-local-development-key-never-used-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env.str("SITE_NAME", default="Bodywork Academy")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "academy",
    "courses",
    "learn",
    "teach",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "csp",
]

MIDDLEWARE = [
    "academy.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "academy.staticfiles.StaticFilesMiddleware",
    "academy.middleware.PersonalResponsesNotStoredMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "academy.auth.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "academy.urls"
WSGI_APPLICATION = "academy.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "academy.context_processors.site",
            ],
        },
    },
]

# --- Data -----------------------------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    # Lets the first-run server and the in-process tasks share the file without "database locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    # JIT compilation cost 150-400 ms on the insight queries at 100,000 practitioners and never
    # paid for itself on these short queries (bench/scale.py).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # Parameters travel apart from the SQL, and a statement used five times on a connection is
    # prepared: psycopg no longer quotes values into the text and PostgreSQL no longer parses and
    # plans the pages' repeated queries (bench/pages.py, lesson page: 0.22 -> 0.27 of the floor).
    # Behind a transaction-pooling PgBouncer, prepared statements break: set
    # DATABASE_PREPARE_THRESHOLD=off there.
    DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
    prepare_threshold = env.str("DATABASE_PREPARE_THRESHOLD", default="5")
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = (
        None if prepare_threshold == "off" else int(prepare_threshold)
    )
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Covering indexes (INCLUDE) serve PostgreSQL; SQLite, the first-run database, builds the same
# index without the extra columns, which is all this warning says.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "academy.User"

REDIS_URL = env.str("REDIS_URL", default="")
# A dead Redis must fail a request fast, not hang it.
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=2.0)

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "academy",
            "OPTIONS": {
                "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
            },
        }
    }
else:
    # The one process's own memory (gunicorn.conf.py refuses to start more processes without
    # Redis): sessions, cached users and rate-limit counters, room enough that they do not evict
    # each other.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }
# The course insight dashboard shows figures at most this old, and recomputes older ones on a
# worker while showing them, dated (courses/services/insight.py).
COURSE_INSIGHT_FRESH_SECONDS = env.int("COURSE_INSIGHT_FRESH_SECONDS", default=120)
# Rendered fragments that hold nothing personal (the site's navigation and footer, a lesson's
# content), kept in each process: a hit costs microseconds where Redis would cost a round trip.
# Their keys carry what they show (language, role, the course's content version), so nothing
# has to be invalidated; a deploy starts empty.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "TIMEOUT": 24 * 3600,
    "OPTIONS": {"MAX_ENTRIES": 2000},
}

# Public pages kept for visitors who are not logged in (the catalog, per filter), apart from the
# default cache: however many pages are asked for, they evict only each other, never a session,
# a cached user or a rate-limit counter. Their keys are only filter values the page knows
# (learn/views/learner.py), so this stays small; per process, as each page is at most a minute
# old anyway.
CACHES["pages"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "pages",
    "TIMEOUT": 60,
    "OPTIONS": {"MAX_ENTRIES": 1000},
}

# --- Accounts -------------------------------------------------------------------------------

# Django's and allauth's backends, reading the logged-in user from the cache (academy/auth.py).
AUTHENTICATION_BACKENDS = [
    "academy.auth.ModelBackend",
    "academy.auth.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "academy.forms.SignupForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# A reset link proves the e-mail address, not the second factor: after a reset, log in as usual.
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if HTTPS else "http"
# Rate limits count per client address. Behind the TLS proxy every request arrives from the
# proxy's address, so the number of trusted proxies in front says where the client's own address
# is in X-Forwarded-For; 0 (no proxy) uses the connection's address.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ACCOUNT_RATE_LIMITS = {
    # Not an allauth action: certificate verification lookups share its cache-backed limiter.
    "verify_certificate": f"{env.int('VERIFY_RATE_PER_MINUTE', default=60)}/m/ip",
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "change_email": "2/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME
# A code typed as its 30 seconds run out, or read from a phone a little fast or slow, still counts:
# one step either side, as RFC 6238 (section 5.2) recommends. allauth's default is none, which also
# failed a test whenever its code was made just before a step and checked just after. Each code
# still works only once: the database keeps each user's last accepted step, and no code of that
# step or an earlier one is accepted again, in any process (academy/mfa.py).
MFA_TOTP_TOLERANCE = 1
MFA_FORMS = {"activate_totp": "academy.mfa.ActivateTOTPForm"}

# --- E-mail ---------------------------------------------------------------------------------

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="filemail://")
vars().update(EMAIL_CONFIG)
# A file per batch of messages, for a person to open (filemail:// URLs cannot carry the path).
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=f"{SITE_NAME} <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A mail server that stops answering fails the send well inside the certificate e-mail's lease
# (CERTIFICATE_LEASE_SECONDS), so no second worker claims a message that is still being sent.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

# --- Celery ---------------------------------------------------------------------------------

# With no broker configured, tasks run in-process so a first run needs no services.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_IGNORE_RESULT = True
# Tasks are idempotent, so a message is acknowledged only after the task ran, and a worker that
# dies mid-task hands the message back rather than losing it.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# On a broker connection loss, let running tasks finish rather than terminate them. Terminating
# (True) kills a task wherever it is, e.g. after the mail server accepted a message and before
# that was recorded, so a Redis blip became a second way to send an e-mail twice. Finishing is
# safe: every task is idempotent, its outcome is in the database, and the message it cannot
# acknowledge on the new connection is delivered again later and finds nothing left to do.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# Without this, Celery's Django fixup closes the database connection before and after every
# task, so each certificate paid for a new PostgreSQL connection and a backend with cold caches
# (about a third of a worker's time per certificate). With it set, academy/celery.py treats
# connections between tasks as Django does between requests: CONN_MAX_AGE and the health check
# decide, and the fixup only forces a fresh connection every this many tasks.
CELERY_DB_REUSE_MAX = 1000
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
# The longest countdown any task uses (retry backoff is capped at 10 minutes).
CELERY_MAX_COUNTDOWN = 600
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Redis re-delivers an unacknowledged message after this long; it must exceed any countdown
    # or eta, or a delayed message is delivered twice.
    "visibility_timeout": 6 * CELERY_MAX_COUNTDOWN,
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
    "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
    "retry_on_timeout": True,
    "max_retries": 2,
}
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_SOCKET_TIMEOUT
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_REDIS_SOCKET_TIMEOUT = REDIS_SOCKET_TIMEOUT
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_SOCKET_TIMEOUT
# A publish to a dead broker gives up after about a second instead of blocking the request.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.3,
    "interval_max": 0.5,
}
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="academy")
CELERY_WORKER_SEND_TASK_EVENTS = False
CELERY_TIMEZONE = "UTC"
# Beat, configured here rather than in a database: the sweep re-sends certificates whose message
# was lost (broker down at commit, a worker killed mid-render) and finds completions without one.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "sweep-certificates": {
        "task": "courses.tasks.sweep_certificates",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # A large GIFT import whose task was lost is sent again; one that never ran is closed.
    "sweep-gift-imports": {
        "task": "courses.tasks.sweep_gift_imports",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Timed attempts whose time ran out without a submit are graded here, never by a GET.
    "close-expired-attempts": {
        "task": "courses.tasks.close_expired_attempts",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Item statistics are also queued after submissions (at most once a minute per quiz); this
    # catches any submission that arrived while a computation was reading.
    "refresh-quiz-statistics": {
        "task": "courses.tasks.refresh_quiz_statistics",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
}

# --- Certificates ---------------------------------------------------------------------------

# The Ed25519 key that signs Open Badges credentials, as PKCS#8 PEM. Every web and worker machine
# needs the same key; with none given, one is generated into var/ for a single-machine install.
CREDENTIAL_SIGNING_KEY = env.str("CREDENTIAL_SIGNING_KEY", default="", multiline=True)
CREDENTIAL_SIGNING_KEY_FILE = env.str(
    "CREDENTIAL_SIGNING_KEY_FILE", default=str(VAR_DIR / "credential-signing-key.pem")
)
# Public keys of retired signing keys (a bundle of PEM blocks), kept in the published key set
# after a rotation so every credential they signed still verifies.
CREDENTIAL_RETIRED_PUBLIC_KEYS_FILE = env.str("CREDENTIAL_RETIRED_PUBLIC_KEYS_FILE", default="")
# Printed under the administrator's signature line.
CERTIFICATE_ADMINISTRATOR = env.str("CERTIFICATE_ADMINISTRATOR", default="")
CERTIFICATE_ISSUER_EMAIL = env.str("CERTIFICATE_ISSUER_EMAIL", default="")
# A worker holds a certificate this long while rendering; past it, the sweep hands it on.
CERTIFICATE_LEASE_SECONDS = env.int("CERTIFICATE_LEASE_SECONDS", default=120)
# Pending rows older than this are re-sent by the sweep (their message was probably lost).
CERTIFICATE_RESEND_AFTER_SECONDS = env.int("CERTIFICATE_RESEND_AFTER_SECONDS", default=180)
# Claims per certificate before it is marked failed for staff to look at.
CERTIFICATE_MAX_TRIES = env.int("CERTIFICATE_MAX_TRIES", default=5)
# A certificate e-mail that failed is tried again by the sweep after this many seconds, doubled
# at each failure (capped at an hour), up to CERTIFICATE_EMAIL_MAX_TRIES attempts; then it is
# marked failed for staff, who can retry it from the admin or the course's register.
CERTIFICATE_EMAIL_RETRY_SECONDS = env.int("CERTIFICATE_EMAIL_RETRY_SECONDS", default=60)
CERTIFICATE_EMAIL_MAX_TRIES = env.int("CERTIFICATE_EMAIL_MAX_TRIES", default=5)


# --- Health ---------------------------------------------------------------------------------

# /healthz answers anyone "ok" or "fail"; the per-part details (which part, its error) go to
# staff, to callers on this machine, and to a monitor sending "Authorization: Bearer <token>".
HEALTHZ_TOKEN = env.str("HEALTHZ_TOKEN", default="")

# --- HTTP, security -------------------------------------------------------------------------

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Sessions are read from the cache (Redis in production) and written through to the database;
# with Redis, the session and its cached user in one round trip (academy/auth.py).
SESSION_ENGINE = "academy.auth"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# A quiz submit posts one field per question plus one per ticked box or matched item: at the
# caps of courses/services/questions.py (200 questions, 40 answers each) that is 8,201 fields,
# beyond Django's default of 1,000 (a test holds the two together).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 8_500
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # allauth shows the TOTP set-up QR code as a data: URI.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Static files, i18n ---------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
WHITENOISE_USE_FINDERS = DEBUG

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# LOG_FORMAT=json writes one JSON object a line (for a log collector); text is for people.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "academy.logs.ContextFilter"}},
    "formatters": {
        "json": {"()": "academy.logs.JsonFormatter"},
        "text": {
            "()": "academy.logs.TextFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["context"],
            "formatter": env.str("LOG_FORMAT", default="text"),
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
# Workers log through the configuration above instead of Celery's own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
