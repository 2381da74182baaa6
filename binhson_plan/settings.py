"""Settings for the Bình Sơn plan-monitoring portal, all driven by the environment.

Every variable is listed in `.env.example`. With none set, the portal runs on its embedded
default: a SQLite file in the project, Celery jobs run in-process, e-mail printed to the console.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEVELOPMENT_SECRET_KEY = "development-only-not-secret"
# Keys that are public (this file, .env.example): a portal running with one signs sessions anyone can forge.
PUBLIC_SECRET_KEYS = {DEVELOPMENT_SECRET_KEY, "change-me-to-a-long-random-string"}
DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
if not DEBUG and (SECRET_KEY in PUBLIC_SECRET_KEYS or SECRET_KEY.lower().startswith("change-me")):
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (not the example value from .env.example).")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# HTTPS, from the environment (see .env.example and the `proxy` service of docker-compose.yml). With DEBUG
# off every protection is on unless turned off; the embedded mode (DEBUG on, plain http://127.0.0.1:8000)
# keeps them off. The proxy in front terminates TLS and says so with X-Forwarded-Proto, which Django may
# trust only when such a proxy sets it (SECURE_PROXY_SSL_HEADER=1), never when clients reach gunicorn.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("SECURE_PROXY_SSL_HEADER", False) else None
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
# Sessions end after a working day without activity, and (by default) when the browser closes: office PCs
# are shared. Activity pushes the end back, so a person at work is never logged out mid-task; but the session
# is not written on every request (issue 20: at the province's season that was one write per page): the
# time of the last activity (django-session-timeout) is written at most every SESSION_ACTIVITY_STEP seconds,
# so the end comes between 8 hours minus that step and 8 hours after the last page.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_EXPIRE_SECONDS = SESSION_COOKIE_AGE
SESSION_EXPIRE_AFTER_LAST_ACTIVITY = True
SESSION_EXPIRE_AFTER_LAST_ACTIVITY_GRACE_PERIOD = int(os.environ.get("SESSION_ACTIVITY_STEP", "300"))
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
# Content-Security-Policy (django-csp 4): scripts only from the portal's own files, never inline, so an
# injected <script> or on…= attribute does not run. Inline style attributes stay allowed (a few templates
# and Django admin use them; CSS cannot run code). Images may be data: URIs (Bootstrap's icons).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Login throttling (django-axes), README "Logins and sessions": one account from one address is locked after
# AXES_FAILURE_LIMIT wrong passwords, an address after LOGIN_FAILURE_LIMIT_PER_ADDRESS (higher: a whole office
# shares one), each for AXES_COOLOFF_TIME. An account alone is never locked, so a stranger cannot keep its
# owner out; the administrator unlocks earlier in the admin (Khóa đăng nhập: action "Mở khóa").
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]  # agencies.throttling reads them in this order
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_LIMIT_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURE_LIMIT_PER_ADDRESS", "30"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
# An account guessed this many times within AXES_COOLOFF_TIME, from any addresses, is guarded: an address
# that never logged in to it gets one wrong password for it, not AXES_FAILURE_LIMIT (agencies.throttling).
LOGIN_ACCOUNT_GUARD_AFTER = int(os.environ.get("LOGIN_ACCOUNT_GUARD_AFTER", "10"))
# Past the guard, at most this many wrong passwords an hour for one account are checked from addresses that never
# signed in to it, all such addresses together; beyond, such an address is refused without its password being
# checked, while addresses the owner signed in from are still judged on the password. Counted from axes'
# AccessFailureLog (one row per checked wrong password, kept AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT per account).
LOGIN_ACCOUNT_NEW_ADDRESS_GUESSES_PER_HOUR = int(os.environ.get("LOGIN_ACCOUNT_NEW_ADDRESS_GUESSES_PER_HOUR", "10"))
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# What the nightly purge keeps (operations/jobs.py; lock rows go once past AXES_COOLOFF_TIME, expired sessions at once).
# Wrong passwords: the hourly budget reads the last hour only, the admin shows a month. Sign-ins (axes' AccessLog, the
# addresses an account is known at): a season and a month, so a person who signs in once a year for her report is
# still known at her office's address the next season.
FAILED_SIGN_IN_LOG_KEEP_DAYS = int(os.environ.get("FAILED_SIGN_IN_LOG_KEEP_DAYS", "30"))
SIGN_IN_LOG_KEEP_DAYS = int(os.environ.get("SIGN_IN_LOG_KEEP_DAYS", "400"))
AXES_HANDLER = "agencies.throttling.LoginThrottle"
AXES_USERNAME_CALLABLE = "agencies.throttling.account_name"  # the name typed, cut to the length axes stores
AXES_LOCKOUT_CALLABLE = "agencies.throttling.lockout_page"
AXES_ENABLE_ADMIN = False  # the admin lists locks under Vietnamese names instead (agencies.admin)
# The password fields axes must not copy into AccessAttempt.post_data ("password" is always left out): a wrong
# current password at /doi-mat-khau/ counts as a wrong login (agencies.throttling.ThrottledPasswordChangeView).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "old_password", "new_password1", "new_password2"]
AXES_VERBOSE = False  # its banner would open the output of every manage.py command
# A try during the lockout does not push its end further back, so the time the page gives stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The client's address: behind the proxy (SECURE_PROXY_SSL_HEADER=1) and only for a request that comes from
# one of TRUSTED_PROXIES (addresses, networks or host names; docker-compose: `proxy`), X-Forwarded-For,
# which the proxy overwrites with the address it was reached from (deploy/nginx.conf), read by
# django-ipware; from anywhere else the address the request came from, whatever headers it carries.
TRUSTED_PROXIES = [entry.strip() for entry in os.environ.get("TRUSTED_PROXIES", "127.0.0.1,::1").split(",")]
AXES_CLIENT_IP_CALLABLE = "agencies.throttling.client_address"
AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR",)
AXES_IPWARE_PROXY_ORDER = "right-most"  # were a proxy ever to append instead, the hop it added, not the client's

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "agencies",
    "tasks",
    "targets",
    "reports",
    "operations",
    "province",
]

MIDDLEWARE = [
    "binhson_plan.availability.HealthCheckMiddleware",  # first: /healthz answers before the host check
    "django.middleware.security.SecurityMiddleware",
    "binhson_plan.availability.DatabaseOutageMiddleware",
    "csp.middleware.CSPMiddleware",
    "binhson_plan.middleware.permissions_policy",
    "binhson_plan.middleware.reject_nul_characters",
    "binhson_plan.middleware.reject_undecodable_forms",
    "binhson_plan.middleware.demo_error_pages",  # the portal's 404 and 500 pages in the demo, served with DEBUG on
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "binhson_plan.middleware.missing_static_files",  # what whitenoise has not: a plain 404, nothing read
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django_session_timeout.middleware.SessionTimeoutMiddleware",  # the idle end, with few session writes
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "binhson_plan.middleware.fair_share",  # an account's share of the server's time (ACCOUNT_REQUEST_SECONDS)
    "binhson_plan.middleware.written_allowance",  # what an account's POSTs write in a day (SAVED_TEXT_BYTES_PER_DAY)
    "binhson_plan.middleware.private_to_the_signed_in",  # Cache-Control: private, no-store for the signed-in
    "django.contrib.messages.middleware.MessageMiddleware",
    "binhson_plan.middleware.method_not_allowed_page",  # the portal's page, not the browser's, for a 405
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires: turns a lockout into its page
]

ROOT_URLCONF = "binhson_plan.urls"
WSGI_APPLICATION = "binhson_plan.wsgi.application"

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
                "agencies.context_processors.roles",
                "province.context_processors.province_link",
                "binhson_plan.context_processors.demo_mode",
            ],
        },
    },
]

# Connections are kept between requests and checked before reuse (CONN_HEALTH_CHECKS): after a
# PostgreSQL restart the next request reconnects instead of failing on the dead connection. An
# unreachable server is given up on after a few seconds, and the page says "đang bảo trì".
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
CSRF_FAILURE_VIEW = "binhson_plan.views.csrf_failure"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Vietnamese first: language, time zone and number formats (1.250.000,5).
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Amounts are grouped explicitly with the `vn_number` filter, so years never print as "2.025".
USE_THOUSAND_SEPARATOR = False
FORMAT_MODULE_PATH = ["binhson_plan.formats"]
# The project's Vietnamese for Django messages whose own Vietnamese catalogue is missing or out of date
# (password rules, form and model errors, admin): locale/vi/LC_MESSAGES/django.po, compiled .mo kept in git.
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Uploaded and built files. With AWS_STORAGE_BUCKET_NAME set they live in that bucket on any S3 API (django-storages;
# docker-compose runs SeaweedFS), so web and worker nodes share no disk; unset, under MEDIA_ROOT (`make run`). The
# bucket stays private: every download streams through the portal's view after its access checks.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
S3_OPTIONS = {
    "bucket_name": AWS_STORAGE_BUCKET_NAME,
    "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
    "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
    "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
    "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
    "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or "path",  # what self-hosted servers answer
    "signature_version": "s3v4",
    "default_acl": None,  # the bucket's own (private); never public-read
    "querystring_auth": True,
    "file_overwrite": False,  # a name already taken gets a new one: an object is never replaced in place
}
STORAGES = {
    "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": S3_OPTIONS}
    if AWS_STORAGE_BUCKET_NAME
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: printed to the console unless an SMTP server is configured.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# A mail server that hangs must not hold a job (and the message's row) for ever: the outbox retries.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Cổng theo dõi kế hoạch <no-reply@binhson.local>")

# Celery: with no broker configured, jobs run in-process (the embedded default).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

# Evidence files attached to reports: size limit, and uploads kept in memory up to this size.
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024)))
# What one report may hold (reports/editing/quota.py): all its files together, and files on one task. The disk then
# needs at most (reports of a year) × REPORT_EVIDENCE_MAX_BYTES a year, however an account uploads.
REPORT_EVIDENCE_MAX_BYTES = int(os.environ.get("REPORT_EVIDENCE_MAX_BYTES", str(200 * 1024 * 1024)))
EVIDENCE_MAX_FILES_PER_TASK = int(os.environ.get("EVIDENCE_MAX_FILES_PER_TASK", "20"))
# What reading an uploaded file's insides may take (reports/editing/bounded.py): CPU seconds and memory of the process
# that reads it; past either the file is refused as too complex, and the server's worker is never held longer.
EVIDENCE_CHECK_CPU_SECONDS = int(os.environ.get("EVIDENCE_CHECK_CPU_SECONDS", "3"))
EVIDENCE_CHECK_MEMORY_MB = int(os.environ.get("EVIDENCE_CHECK_MEMORY_MB", "1536"))
# All the evidence files of one save together (reports/editing/evidence.checks_within_budget): a file past it is
# refused with a word to upload it with the next save, so that no save holds a worker longer.
EVIDENCE_CHECK_REQUEST_CPU_SECONDS = float(os.environ.get("EVIDENCE_CHECK_REQUEST_CPU_SECONDS", "4"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Reading an uploaded workbook (a report's, or a file of values) stops after this many seconds
# (binhson_plan/workbooks.py): well below gunicorn's timeout (30 s, its default), so that a hostile workbook is
# refused with a message, never by gunicorn killing the worker. One upload at a time per account
# (binhson_plan/upload_lock.py); the lock lapses after WORKBOOK_UPLOAD_LOCK_SECONDS should its worker die, longer
# than gunicorn lets any request run.
WORKBOOK_UPLOAD_SECONDS = 10
WORKBOOK_UPLOAD_LOCK_SECONDS = 60
# A report's print (reports.documents.views) is drawn inside the request: one at a time per account, and at most
# PRINT_CONCURRENT_DRAWS at once across accounts (fewer than gunicorn's 3 workers, so prints never hold them all;
# the same slots bound the reading of uploaded files: binhson_plan.upload_lock.a_print_slot);
# a print refused answers 429 "xin chờ ít giây". The locks lapse after PRINT_LOCK_SECONDS should a worker die.
PRINT_CONCURRENT_DRAWS = int(os.environ.get("PRINT_CONCURRENT_DRAWS", "2"))
PRINT_LOCK_SECONDS = 60
# What an account may make the server do of such heavy work (uploads read, prints drawn), in seconds, given back at the
# same number of seconds every ten minutes (a leaking bucket, binhson_plan/allowance.py): the season's busiest real
# accounts use a fifth of it and less (`manage.py bench_heavy_work`), and an account looping files slow to check holds
# a slot a twentieth of the time at most (probes 32, 33). Past it: 429, with the minute it may work again.
HEAVY_WORK_SECONDS = int(os.environ.get("HEAVY_WORK_SECONDS", "30"))
# What the portal may spend answering one signed-in account's requests at once, in seconds on the clock, given back at
# the same number of seconds every 150 s (a tenth of a second each second: binhson_plan.middleware.fair_share): a
# reviewer's busiest real run uses about half of it at once (`manage.py bench_heavy_work`), while one account asking
# 10 times a second for its own report at the form's limits (100 ms each) kept the 3 workers busy for everyone (probe
# 34), and three accounts spending a share of 60 s at once held them for a minute (probe 35). Past it: 429.
ACCOUNT_REQUEST_SECONDS = int(os.environ.get("ACCOUNT_REQUEST_SECONDS", "15"))
# Versions of consolidated reports one account may ask for in a day, each built by the worker (its time counted as
# the account's heavy work, above) and kept with its three files (0,25 MB for Bình Sơn's demo year, more for a province
# summary): a reviewer rebuilds a handful in the season's busiest day, while one asking for every plan's and year's as
# soon as each was done kept 105 versions in an hour, 250 MB (probe 34). Past it: refused until midnight, cover kept.
CONSOLIDATED_BUILDS_PER_DAY = int(os.environ.get("CONSOLIDATED_BUILDS_PER_DAY", "20"))
# The text an account's saves may change in reports a day (typed, or uploaded in a workbook), in bytes: a whole real
# report holds under 0,3 MB, and an account saving long random texts in a loop no longer grows the database (and each
# backup) without end (probe 32: 35 MB in 15 s). Past it: 429, what was typed kept. Every other POST of an account
# counts what it writes (rows and their history copies) against the same allowance, and is refused once it is used
# (binhson_plan.written; probe 36: a reviewer's unchanged due date re-posted, corrections of a value in a loop).
SAVED_TEXT_BYTES_PER_DAY = int(os.environ.get("SAVED_TEXT_BYTES_PER_DAY", str(10 * 1024 * 1024)))
# The longest report drawn as a PDF inside a request, in lines laid out (binhson_plan.longtext.laid_out_lines): what
# drawing costs grows with lines, be they short or long. Two such prints drawn at once on a busy 2-core server stay
# well under gunicorn's 30 s (`manage.py bench_report --van-ban-dai`); a longer report is refused with a word (its
# workbook holds it all).
PRINT_MAX_LINES = int(os.environ.get("PRINT_MAX_LINES", "6000"))
# And whatever it holds, a print not drawn after this many seconds on the clock is stopped and refused with the same
# word (text in scripts slow to lay out costs up to six times as much a line: the fifth probe): well under gunicorn's
# 30 s, with the rest of the request and a second print drawn at once.
PRINT_DRAW_SECONDS = float(os.environ.get("PRINT_DRAW_SECONDS", "15"))
# A print of more lines than this (about two seconds of drawing on the server) is never drawn inside the request: a
# Celery worker draws it (reports/documents/jobs.py, stopped after PRINT_DRAW_SECONDS too) and the request answers
# 202 at once with a page that reloads itself until the PDF is ready (the 26th probe held a worker 16 s at will).
PRINT_INLINE_MAX_LINES = int(os.environ.get("PRINT_INLINE_MAX_LINES", "500"))
# The portal's address, used for links in e-mails.
PORTAL_URL = os.environ.get("PORTAL_URL", "http://127.0.0.1:8000")
# Every page says its figures are made up: for a portal filled by `seed_demo --reports` (`make run` sets it).
DEMO_MODE = env_bool("DEMO_MODE", False)
# The portal's name in every page's menu and title: the province now carries every former district's plan.
PORTAL_NAME = os.environ.get("PORTAL_NAME", "Công tác dân tộc tỉnh Quảng Ngãi")

# Django's cache, for figures computed from approved data (targets/cache.py): Redis in production (CACHE_URL;
# docker-compose: a bounded Redis of its own, redis://cache:6379/0), this process's memory in the embedded mode,
# which is one process.
# Without CACHE_URL, each gunicorn worker would keep its own copy and miss the others' invalidations.
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "binhson"}
}
# Sessions live in the database, which every web node shares (issue 20). Not in Redis (`cached_db`): with Redis
# down, Django's session code raised and every sign-in and signed-in page answered 500 (the nineteenth probe); and
# a session is written at most every few minutes now, so the database carries it easily.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Backups (`manage.py backup`, nightly by the `backup` service of docker-compose.yml): where, and for how long.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", BASE_DIR / "backups"))
BACKUP_KEEP_DAYS = int(os.environ.get("BACKUP_KEEP_DAYS", "14"))
# A Fernet key (`manage.py backup --new-key`): backups are then written encrypted, and restored only with it.
BACKUP_ENCRYPTION_KEY = os.environ.get("BACKUP_ENCRYPTION_KEY", "")

# The plan shipped with the portal, loaded by `manage.py load_plan` with no argument.
DEFAULT_PLAN_FILE = BASE_DIR / "binhson_plan" / "plans" / "binh_son.yaml"
DEFAULT_INDICATOR_FILE = BASE_DIR / "binhson_plan" / "plans" / "indicators.yaml"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"one_line_client_errors": {"()": "binhson_plan.request_log.OneLineClientErrors"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # WeasyPrint and fontTools narrate every layout step at INFO.
        **{name: {"level": "WARNING"} for name in ("weasyprint", "fontTools")},
        # A 403 is one line (method, path, user, status), not a traceback; a 500 keeps its traceback.
        "django.request": {"filters": ["one_line_client_errors"]},
    },
}

# Celery beat: every scheduled job, with when it runs.
CELERY_BEAT_SCHEDULE = {
    # Each active plan's cycle of the year opens on its first night (pages never open one).
    "open-cycles": {"task": "reports.cycles.jobs.open_cycles_job", "schedule": crontab(hour=0, minute=1)},
    # The daily digest of new submissions to Văn phòng huyện, and the agencies' reminders before the due date.
    "review-digest": {"task": "reports.notices.jobs.send_review_digest_job", "schedule": crontab(hour=7, minute=30)},
    "reminders": {"task": "reports.notices.jobs.send_reminders_job", "schedule": crontab(hour=7, minute=0)},
    # Reorganisations recorded ahead of their date: staff accounts move on the morning they take effect, and kept
    # reports waiting for it are handed over.
    "apply-reorganisations": {
        "task": "reports.handover.jobs.apply_reorganisations_job",
        "schedule": crontab(hour=0, minute=5),
    },
    "nightly-draft-report": {
        "task": "reports.consolidated.jobs.rebuild_draft_reports_job",
        "schedule": crontab(hour=1, minute=0),
    },
    "requeue-stalled-builds": {
        "task": "reports.consolidated.jobs.requeue_stalled_builds_job",
        "schedule": crontab(minute="*/5"),
    },
    # The outbox sweep: messages a broker outage or a mail-server error left pending are tried again.
    "send-pending-notifications": {
        "task": "reports.notices.jobs.send_pending_notifications_job",
        "schedule": crontab(minute="*/5"),
    },
    # Expired sessions (Django's `clearsessions`) and django-axes' old records (operations/jobs.py), after the backup.
    "purge-sign-in-records": {
        "task": "operations.jobs.purge_sign_in_records_job",
        "schedule": crontab(hour=3, minute=15),
    },
    # Stored files no row points at (a save or a build stopped between writing a file and recording it).
    "sweep-unrecorded-files": {
        "task": "operations.jobs.sweep_unrecorded_files_job",
        "schedule": crontab(hour=3, minute=45),
    },
}
# Redis redelivers the job of a worker that died once `visibility_timeout` has passed; idle workers
# look for such jobs about every interval × throttle seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600")),
    "unacked_restore_interval": int(os.environ.get("CELERY_UNACKED_RESTORE_INTERVAL", "10")),
    "unacked_restore_throttle": int(os.environ.get("CELERY_UNACKED_RESTORE_THROTTLE", "10")),
}
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A broker that is down is reported within seconds, not after the default minutes of retrying.
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# A worker that lost Redis tries again for as long as it takes (every 2 s, then every 30 s at most), instead of
# giving up and exiting after Celery's default 100 tries (about 45 minutes): a long outage outside docker-compose,
# where nothing would start it again, must not leave the reports unbuilt once Redis is back.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# The reporting season, when the draft consolidated report is rebuilt every night (dd/mm).
REPORT_SEASON_START = os.environ.get("REPORT_SEASON_START", "15/11")
REPORT_SEASON_END = os.environ.get("REPORT_SEASON_END", "31/12")
REMINDER_DAYS = [14, 7, 3, 1]
# Failure drills only: seconds a report build waits mid-way, time enough to stop its worker.
REPORT_BUILD_DELAY = float(os.environ.get("REPORT_BUILD_DELAY", "0"))
# A build silent this long (no heartbeat between its steps) is taken for dead and queued again by the sweep.
REPORT_BUILD_STALE_MINUTES = int(os.environ.get("REPORT_BUILD_STALE_MINUTES", "5"))
# A report a reorganisation opens with fewer days than this left before the cycle's due date is given this many
# days from its opening (reports/handover/handing.py); the reviewer can change it on the report's page.
REORGANISED_REPORT_DAYS = int(os.environ.get("REORGANISED_REPORT_DAYS", "15"))
