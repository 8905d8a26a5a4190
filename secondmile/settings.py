"""Settings for Second Mile, read from the environment (see .env.example).

DEBUG is off unless set; outside DEBUG a SECRET_KEY must be given. The database
is SQLite under var/ unless DATABASE_URL names another (PostgreSQL in production).
"""

import datetime
import os
from decimal import Decimal
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# The .env beside manage.py, unless ENV_FILE names another (the settings tests use /dev/null).
environ.Env.read_env(os.environ.get("ENV_FILE") or BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# Outside local development a real secret is required: no default, so start-up fails loudly.
SECRET_KEY = env("SECRET_KEY", default="local-development-only-not-secret" if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is required when DEBUG is off: set it in the environment or in .env "
        "(see .env.example), or set DEBUG=1 for local development."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Django's widget templates, for the project's form renderer (core/rendering.py).
    "django.forms",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_htmx",
    "ninja",
    # Top to bottom: each app imports only those below it (import-linter checks it).
    "secondmile",
    "secondmile.demo",
    "stories",
    "acts",
    "customers",
    "integrations",
    "rewards",
    "core",
]

MIDDLEWARE = [
    # First, so that every answer (a CSRF 403 too) carries the request id and is logged.
    "core.security.request_context",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "secondmile.middleware.api_errors_as_json",
    "secondmile.middleware.session_idle_timeout",
    "secondmile.middleware.private_pages_not_stored",
    # After authentication: a signed-in session that still owes its second step (or
    # its set-up) reaches only those pages; axes last, to turn a lock-out into our page.
    "secondmile.middleware.mfa_required",
    "axes.middleware.AxesMiddleware",
    # A page the role does not open explains itself (core.roles.RoleRefused).
    "secondmile.middleware.RoleRefusalPage",
]

ROOT_URLCONF = "secondmile.urls"
WSGI_APPLICATION = "secondmile.wsgi.application"

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
                "django.template.context_processors.csp",
                "secondmile.context_processors.navigation",
            ],
            "builtins": ["core.templatetags.money"],
        },
    },
]

FORM_RENDERER = "core.rendering.FormRenderer"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'secondmile.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of
    # failing half way; the timeout lets them wait for each other.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # SQLite connections are cheap, and long-lived ones keep the WAL from checkpointing.
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# The cache holds rate-limit counters that every app server must share, so it never lives
# in one process's memory: the database (`manage.py createcachetable`) by default, Redis
# with CACHE_URL=redis://host:6379/0 (or rediss://), through Django's own Redis cache.
CACHE_URL = env("CACHE_URL", default="dbcache://secondmile_cache")
CACHES = {"default": env.cache_url_config(CACHE_URL)}
if CACHE_URL.split(":", 1)[0] in ("redis", "rediss"):
    CACHES["default"]["BACKEND"] = "django.core.cache.backends.redis.RedisCache"
elif CACHES["default"]["BACKEND"] != "django.core.cache.backends.db.DatabaseCache":
    raise ImproperlyConfigured(
        f"CACHE_URL must be redis://, rediss:// or dbcache://, not {CACHE_URL.split(':', 1)[0]}://: "
        "the cache holds rate limits that every app server must share."
    )
# Several installs can share one Redis: each keeps to its own keys.
CACHES["default"]["KEY_PREFIX"] = env("CACHE_KEY_PREFIX", default="")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "secondmile.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Axes first: it refuses a locked-out username and address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_STORAGE",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
# Receipts, the only uploaded files, go to MEDIA_ROOT on the local disk unless a bucket is
# named: then to object storage (AWS S3 or any S3-compatible store, django-storages), which
# every app server reads. Settings under the package's own names. The bucket stays private:
# objects are written without an ACL and served only through the app's permission check
# (acts.views.act_receipt), never by a bucket URL; names are never reused (acts.services).
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", default=None)  # None: AWS itself
    AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", default=None)
    # Without keys, boto3 finds credentials itself (an instance or task role, ~/.aws).
    AWS_ACCESS_KEY_ID = env("AWS_ACCESS_KEY_ID", default=None)
    AWS_SECRET_ACCESS_KEY = env("AWS_SECRET_ACCESS_KEY", default=None)
    AWS_DEFAULT_ACL = None
    AWS_S3_FILE_OVERWRITE = False
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}

# EMAIL_URL like smtp+tls://user:password@smtp.example.com:587; the console by default.
_email = env.email("EMAIL_URL", default="consolemail://")
_smtp_options = {
    "host": _email["EMAIL_HOST"],
    "port": _email["EMAIL_PORT"],
    "username": _email["EMAIL_HOST_USER"],
    "password": _email["EMAIL_HOST_PASSWORD"],
    "use_tls": _email.get("EMAIL_USE_TLS", False),
    "use_ssl": _email.get("EMAIL_USE_SSL", False),
    # A mail server that accepts the connection and then hangs holds one worker, not forever.
    "timeout": env.int("EMAIL_TIMEOUT", default=10),
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": _smtp_options if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend") else {},
    }
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Second Mile <secondmile@localhost>")
# Where people reach the app: links in emails are absolute (a mail has no page to be relative to).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Outgoing webhooks and Slack posts go to public https addresses only; on (make run, tests)
# it lets them reach loopback and private networks and plain http, for local receivers.
WEBHOOK_ALLOW_PRIVATE = env.bool("WEBHOOK_ALLOW_PRIVATE", default=False)
# Slack's signing secret (the Slack app's Basic Information page): button clicks that do
# not carry its signature are refused. Empty: every click is refused.
SLACK_SIGNING_SECRET = env("SLACK_SIGNING_SECRET", default="")

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# HTTPS by default outside DEBUG, each switch under Django's own name so that a plain-HTTP
# trial on 127.0.0.1 can turn it off (SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 ...).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# Preloading is a promise to browsers' built-in lists that is slow to take back: the operator
# opts in, so the deploy check's reminder about it is silenced.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
# Only behind a proxy that terminates TLS and sets the header itself: "HTTP_X_FORWARDED_PROTO,https".
# Trusting the header without such a proxy would let any client claim HTTPS.
_proxy_ssl_header = env.tuple("SECURE_PROXY_SSL_HEADER", default=())
SECURE_PROXY_SSL_HEADER = _proxy_ssl_header if len(_proxy_ssl_header) == 2 else None
# Over HTTPS the cookies carry the __Host- prefix: the browser then refuses them unless they are
# Secure, for this host only (no Domain) and for the whole site, so a sibling subdomain cannot
# plant a session or CSRF cookie.
if SESSION_COOKIE_SECURE:
    SESSION_COOKIE_NAME = "__Host-sessionid"
if CSRF_COOKIE_SECURE:
    CSRF_COOKIE_NAME = "__Host-csrftoken"
# A signed-in session ends after this long without a request (see secondmile.middleware).
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=480)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

# The product's own settings: the spend policy's defaults (an admin overrides
# them per team), the currency, and the rules of the customer's survey link.
# Read directly: django-environ would take a leading "$" for a reference to another variable.
CURRENCY_SYMBOL = os.environ.get("CURRENCY_SYMBOL", "$")
CURRENCY_CODE = env("CURRENCY_CODE", default="USD")
SECONDMILE = {
    "EMPOWERMENT_LIMIT": env("EMPOWERMENT_LIMIT", cast=Decimal, default=Decimal("50.00")),
    "MANAGER_LIMIT": env("MANAGER_LIMIT", cast=Decimal, default=Decimal("100.00")),
    "MONTHLY_BUDGET": env("MONTHLY_BUDGET", cast=Decimal, default=Decimal("1000.00")),
    "RECEIPT_REQUIRED_ABOVE": env("RECEIPT_REQUIRED_ABOVE", cast=Decimal, default=Decimal("75.00")),
    "REVIEW_SHARE": env("REVIEW_SHARE", cast=Decimal, default=Decimal("0.10")),
    # A waiting request reminds its approvers after this long, and goes to the admins too
    # after the second (hours; an admin changes them per team).
    "REMINDER_HOURS": env.int("REMINDER_HOURS", default=24),
    "ESCALATION_HOURS": env.int("ESCALATION_HOURS", default=48),
    # A reactive act is a recovery when its customer comes back within this many days
    # (an admin changes it per team).
    "RECOVERY_DAYS": env.int("RECOVERY_DAYS", default=90),
    # A person's own empowerment limit rises by LIMIT_GROWTH_STEP after every
    # LIMIT_GROWTH_ACTS of their acts completed (defaults of each team's settings).
    "LIMIT_GROWTH_ACTS": env.int("LIMIT_GROWTH_ACTS", default=10),
    "LIMIT_GROWTH_STEP": env("LIMIT_GROWTH_STEP", cast=Decimal, default=Decimal("10.00")),
    "MAX_ACT_COST": Decimal("10000.00"),
    "RECEIPT_MAX_BYTES": 5 * 1024 * 1024,
    "SURVEY_LINK_DAYS": env.int("SURVEY_LINK_DAYS", default=30),
    "SURVEY_QUIET_DAYS": env.int("SURVEY_QUIET_DAYS", default=90),
    "ROUTINE_COOLDOWN_DAYS": 30,
    # Outcomes only (core/recognition.py): delivering an act earns nothing by itself.
    "POINTS": {"story_approved": 5, "story_featured": 10, "referral": 20},
}

# Request bodies. Form fields and JSON are small; a receipt (5 MB at most) is the largest
# thing anyone sends, so a body beyond it and its form fields is refused from its
# Content-Length before it is read (secondmile.middleware). Keep the proxy's limit
# (nginx client_max_body_size, README) at REQUEST_MAX_BYTES or just above.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024  # larger uploads go to a temporary file
REQUEST_MAX_BYTES = SECONDMILE["RECEIPT_MAX_BYTES"] + 256 * 1024
MIDDLEWARE += [
    "secondmile.middleware.refuse_oversized_requests",
    "secondmile.middleware.refuse_control_characters",
]

# --- Sign-in hardening ----------------------------------------------------------------
# Behind N proxies that each append to X-Forwarded-For, the client is the N-th address
# from the right; 0 (no proxy) trusts only REMOTE_ADDR. See core/security.py client_ip.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Login throttling (django-axes): a username from one address is locked out after
# LOGIN_FAILURE_LIMIT failures for LOGIN_COOLOFF_MINUTES, never for good, and failures
# during the lock-out do not prolong it (so nobody can keep someone else locked out).
# Attempts live in the database, shared by every app server.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
LOGIN_COOLOFF_MINUTES = env.int("LOGIN_COOLOFF_MINUTES", default=15)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Kept through a successful password: wrong second-step codes count too, and a fresh
# password login must not wipe them.
AXES_RESET_ON_SUCCESS = False
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "core.security.client_ip"
# Masked in what axes stores and logs of a failed attempt (the password always is).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
AXES_LOCKOUT_CALLABLE = "secondmile.mfa.lockout_response"

# Two-factor sign-in (django-otp): TOTP apps and recovery codes. Roles that must use it
# (comma-separated role names): admins in production, nobody in local development.
MFA_REQUIRED_ROLES = env.list("MFA_REQUIRED_ROLES", default=[] if DEBUG else ["admin"])
MFA_MAX_FAILURES = 5
OTP_TOTP_ISSUER = "Second Mile"
# Our own counter throttles wrong codes (a session is logged out after MFA_MAX_FAILURES,
# and each counts towards the login lock-out); django-otp's per-device delay would also
# refuse the right code typed just after a wrong one.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

# The security log: one JSON object a line on stdout (logger secondmile.security).
LOGGING["formatters"] = {"json": {"()": "core.security.JsonLinesFormatter"}}
LOGGING["handlers"]["security"] = {
    "class": "logging.StreamHandler",
    "stream": "ext://sys.stdout",
    "formatter": "json",
}
LOGGING["filters"] = {"redact_secrets": {"()": "core.security.RedactSecrets"}}
LOGGING["handlers"]["console"]["filters"] = ["redact_secrets"]
LOGGING["loggers"] = {
    "secondmile.security": {"handlers": ["security"], "level": "INFO", "propagate": False},
    # runserver's access log names each path, survey links included: through the filter.
    "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
}

# --- Work after the request: the task queue, mail, the schedule ----------------------
# Tasks (django.tasks) are rows in the same database, run by `manage.py db_worker`
# processes: each claims a row with SELECT ... FOR UPDATE SKIP LOCKED, so several workers
# on several machines share one PostgreSQL queue and never run a task twice.
INSTALLED_APPS += ["django_tasks_db"]
TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, for the test database too: a worker started by a test is another
    # process and must see the rows the test wrote.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-secondmile.sqlite3")}

# A mail that cannot be sent is tried again after 1, 2, 4 ... minutes (at most
# MAIL_RETRY_MAX_MINUTES apart), MAIL_MAX_ATTEMPTS times in all (about a day), then kept
# as failed for an admin to look at (Django admin, Outgoing mails).
MAIL_MAX_ATTEMPTS = env.int("MAIL_MAX_ATTEMPTS", default=12)
MAIL_RETRY_MAX_MINUTES = env.int("MAIL_RETRY_MAX_MINUTES", default=240)

# The schedule `manage.py run_schedule` keeps (one process is enough; a second one does no
# harm: each slot is enqueued once). Times are in TIME_ZONE. "every" is in minutes;
# "daily" at HH:MM; "monthly" on the first of the month at HH:MM.
TASK_SCHEDULE = {
    "mail-retries": {"task": "core.mail.mail_retries_enqueue", "every": 1},
    "webhook-retries": {"task": "integrations.webhooks.webhook_deliveries_due", "every": 1},
    "approval-reminders": {"task": "acts.reminders.approval_reminders_send", "every": 5},
    "follow-up-reminders": {"task": "acts.reminders.followup_reminders_send", "daily": "08:00"},
    "monthly-digest": {"task": "secondmile.dashboard.digest.monthly_digest_send", "monthly": "08:00"},
    "prune-task-results": {"task": "secondmile.schedule.task_results_prune", "daily": "03:30"},
}
# Finished task results (and the schedule's runs) are deleted after this many days.
TASK_RESULTS_KEEP_DAYS = env.int("TASK_RESULTS_KEEP_DAYS", default=14)
