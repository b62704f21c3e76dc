"""Homeward settings, read from the environment (twelve-factor, as healthchecks does).

Defaults give the embedded set-up: SQLite, a Celery broker on the filesystem, mail and SMS to the
console. Production sets DATABASE_URL (PostgreSQL with pgvector), CELERY_BROKER_URL (Redis),
SECRET_KEY, ALLOWED_HOSTS and the mail/SMS gateways.
"""

import datetime
import importlib.util
import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

from lib.observability import start_sentry

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


TRUE_WORDS, FALSE_WORDS = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


def envbool(name, default):
    """A yes/no setting; a value it does not know is refused, not read as "no" (DEBUG=ture)."""
    value = os.environ.get(name, str(default)).strip().lower()
    if value not in TRUE_WORDS + FALSE_WORDS:
        raise ImproperlyConfigured(f"{name}={value!r}: write one of {', '.join(TRUE_WORDS + FALSE_WORDS[:-1])}.")
    return value in TRUE_WORDS


def envint(name, default):
    return int(os.environ.get(name, default))


def envfloat(name, default):
    return float(os.environ.get(name, default))


def local_secret_key():
    """Without SECRET_KEY in the environment (the embedded set-up), a random key made once for this
    machine and kept in VAR_DIR, readable by its owner only: never a key known to anyone else."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


# Off unless asked for: a debug page shows personal data and settings to whoever causes an error.
DEBUG = envbool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or local_secret_key()
# Placeholders of the examples and the key of earlier versions: refused outside development.
PUBLIC_KEYS = {"dev-only-not-secret-change-me-in-production", "change-me-to-50-random-characters"}
if not DEBUG and (SECRET_KEY in PUBLIC_KEYS or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured("SECRET_KEY is a published example or too short: set 50 random characters.")
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# Our apps first: their translations take precedence over Django's (e.g. "name" is 姓名 here, not 名称).
INSTALLED_APPS = [
    "shelter",
    "accounts",
    "tracing",
    "family",
    "oversight",
    "face",
    "backups",
    "notices",
    "exchange",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_fsm",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "health_check",
]
# The development tools (demo data, benchmarks, the load test) when the image has them: a production
# image may leave the folder out.
if importlib.util.find_spec("devtools"):
    INSTALLED_APPS.append("devtools")

MIDDLEWARE = [
    "lib.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lib.locale.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "shelter.middleware.AuditRefusals",
    "lib.database.DatabaseUnavailable",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shelter.context.unread_notifications",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'homeward.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the Celery worker use the file at the same time.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "shelter.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "lib.passwords.NotLikeTheUserOrTheStation"},
]

# Login lockout (django-axes), for every way in: the site's login and the admin's alike. This many
# failures within the window lock a user name from that address; an address whatever names it tries only
# after LOGIN_MAX_FAILURES_PER_ADDRESS (a station's desks share one address behind its NAT or proxy:
# accounts/lockout.py); a success resets the user's count; a supervisor (own station) or an administrator
# unlocks, which clears the address-wide count of the addresses the account failed from too.
LOGIN_MAX_FAILURES = envint("LOGIN_MAX_FAILURES", 5)
LOGIN_MAX_FAILURES_PER_ADDRESS = envint("LOGIN_MAX_FAILURES_PER_ADDRESS", 50)
LOGIN_LOCKOUT_MINUTES = envint("LOGIN_LOCKOUT_MINUTES", 15)
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = LOGIN_MAX_FAILURES
AXES_COOLOFF_TIME = datetime.timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]  # in this order: accounts/lockout.py
AXES_HANDLER = "accounts.lockout.StationLockoutHandler"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "lib.http.client_ip_for_axes"
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False
# Two-factor sign-in (django-otp, TOTP): each user may turn it on (recommended for supervisors, heads and
# administrators); then the log-in asks for the authenticator app's code too.
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Homeward")  # locked accounts are seen and unlocked on the site's page (accounts:locked)
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
# The proxies in front of the app (nginx): only their X-Forwarded-For is believed (lib.http.client_ip).
TRUSTED_PROXIES = [a for a in os.environ.get("TRUSTED_PROXIES", "").split(",") if a]

# Chinese first, English selectable.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Uploads (portraits, proofs of death) are read into memory up to this size; larger are refused.
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", 30 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
# Spreadsheets uploaded to be read (the finance sheet, another department's list: oversight/finance.py):
# the file's size, what an XLSX unpacks to (from its zip directory, before it is opened: a zip bomb is
# refused unread), rows, and characters in one cell. Beyond any of them the upload is refused, nothing kept.
SHEET_MAX_BYTES = envint("SHEET_MAX_BYTES", 10 * 1024 * 1024)
SHEET_MAX_UNCOMPRESSED_BYTES = envint("SHEET_MAX_UNCOMPRESSED_BYTES", 50 * 1024 * 1024)
SHEET_MAX_ROWS = envint("SHEET_MAX_ROWS", 50_000)
SHEET_MAX_CELL_CHARS = envint("SHEET_MAX_CELL_CHARS", 1_000)
# A scanned document (handover form, proof of death): PDF, JPEG or PNG, checked by content, at most this.
SCAN_MAX_MB = envint("SCAN_MAX_MB", 20)
# An interview's recording (tracing.models.interviews.check_audio).
INTERVIEW_AUDIO_MAX_MB = envint("INTERVIEW_AUDIO_MAX_MB", 50)

SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 12 * 3600)  # one shift

# Thumbnails of portraits and family photos, kept on disk (face.thumbnails); personal data like the
# pictures: under VAR_DIR, never served as files.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "thumbnails": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("THUMBNAIL_CACHE_DIR", str(VAR_DIR / "cache" / "thumbnails")),
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": envint("THUMBNAIL_CACHE_ENTRIES", 20_000)},
    },
}

# HTTPS, set by the environment: off for the embedded set-up on a station's intranet over HTTP, on in
# production behind TLS (deploy/env.example sets them; `check --deploy` is clean with those values).
SECURE_COOKIES = envbool("SECURE_COOKIES", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]  # asked inside the compose network, over plain HTTP
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
# The TLS proxy in front says the request came over HTTPS with this header (only set it behind one).
if envbool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content security policy (django-csp): scripts and styles from this site only, no inline script;
# style attributes are allowed for the score bars. The webcam's frames are blob: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "media-src": [SELF, "blob:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Mail. Console by default; production sets EMAIL_HOST etc.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)  # seconds; a hung mail server must not hang a worker
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "homeward@localhost")
# Whether the mail server is the bureau's own (inside its network): only then does an e-mail carry names,
# health and causes of death; otherwise it says what an SMS says (lib.notify.email_text).
MAIL_SERVER_INTERNAL = envbool("MAIL_SERVER_INTERNAL", False)
# The address staff use to reach the site, for links in e-mail and SMS.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# SMS: a dotted path to a backend class in lib.sms; console by default.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "lib.sms.ConsoleBackend")
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")
SMS_FILE_PATH = os.environ.get("SMS_FILE_PATH", str(VAR_DIR / "sms.log"))

# Celery. The filesystem transport needs no server; production: redis://...
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        # The exchange's bindings (one per queue), else kombu writes them to ./control in the clone.
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {}
)
# The filesystem transport's folders exist wherever the app starts (seed_demo, a shell, the worker),
# not only under `make run`: a task queued before they exist would fail.
for _folder in {CELERY_BROKER_TRANSPORT_OPTIONS.get(k) for k in ("data_folder_in", "processed_folder", "control_folder")} - {None}:
    Path(_folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# Two queues: the face work (encodings and the face searches they start, seconds of CPU each) on its
# own, so that a burst of portraits or family reports never delays the deadline sweeps, reminders and
# notifications of the default queue. A worker started without -Q consumes both (make run, one small
# station); a province runs workers with `-Q celery` and `-Q faces` apart (docs/scaling.md).
CELERY_TASK_DEFAULT_QUEUE = "celery"
FACE_QUEUE = os.environ.get("CELERY_FACE_QUEUE", "faces")
CELERY_TASK_QUEUES = [Queue(name, routing_key=name) for name in (CELERY_TASK_DEFAULT_QUEUE, FACE_QUEUE)]
CELERY_TASK_ROUTES = {name: {"queue": FACE_QUEUE} for name in (
    "face.tasks.encode_portrait", "face.tasks.catch_up_encodings",
    "family.tasks.search_report", "family.tasks.search_portrait", "family.tasks.catch_up_searches",
)}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# The ledger rule: an entry made more than this many hours after the event is flagged late.
LATE_ENTRY_HOURS = envint("LATE_ENTRY_HOURS", 24)
# A decision awaiting a second check (shelter.models.checks) is reminded to the supervisors once, this
# many hours after it was taken (the night shift's decisions by the morning).
SECOND_CHECK_REMIND_HOURS = envint("SECOND_CHECK_REMIND_HOURS", 8)
# Adults of 16 and over with no mental or intellectual disability normally stay at most this long.
STAY_REVIEW_DAYS = envint("STAY_REVIEW_DAYS", 10)
# Anyone still unidentified is reviewed after one month. A review is "due" this many days before.
# (After three months unidentified the household registration is applied for: its own step and
# deadline on the tracing case, TRACING_HOUSEHOLD_DAYS.)
UNIDENTIFIED_REVIEW_DAYS = envint("UNIDENTIFIED_REVIEW_DAYS", 30)
STAY_REVIEW_WARN_DAYS = envint("STAY_REVIEW_WARN_DAYS", 2)
# A death is reported to the civil-affairs bureau (and the police, when unnatural or unidentified) within
# this many hours of it; reminded this many hours before. An unclaimed body is kept this many days for a
# claim before it may be disposed of (one city: 15), reminded this many days before.
DEATH_REPORT_HOURS = envint("DEATH_REPORT_HOURS", 24)
DEATH_REPORT_WARN_HOURS = envint("DEATH_REPORT_WARN_HOURS", 6)
BODY_CLAIM_DAYS = envint("BODY_CLAIM_DAYS", 15)
BODY_CLAIM_WARN_DAYS = envint("BODY_CLAIM_WARN_DAYS", 3)

# Logs to the console (the container's log), each line with its request id; LOG_FORMAT=json writes one
# JSON object a line for a log collector. Sentry only if SENTRY_DSN is set, with personal data removed
# (lib.observability).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "lib.observability.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "lib.observability.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"],
                             "formatter": "json" if os.environ.get("LOG_FORMAT") == "json" else "text"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
start_sentry(SENTRY_DSN, os.environ.get("SENTRY_ENVIRONMENT", ""))

# --- face (portraits, quality, encodings, search): settings below this line belong to the face app.

# Portrait quality check (face.quality: its docstring says how each threshold was chosen and measured).
FACE_MIN_EYE_DISTANCE = envfloat("FACE_MIN_EYE_DISTANCE", 40)  # pixels between the eye centres
FACE_OTHER_FACE_RATIO = envfloat("FACE_OTHER_FACE_RATIO", 0.5)  # a face this wide (vs the main one) counts
FACE_MIN_SHARPNESS = envfloat("FACE_MIN_SHARPNESS", 0.15)
FACE_MIN_BRIGHTNESS = envfloat("FACE_MIN_BRIGHTNESS", 50)  # mean luminance of the face, 0-255
FACE_MAX_BRIGHTNESS = envfloat("FACE_MAX_BRIGHTNESS", 215)
FACE_MAX_CLIPPED = envfloat("FACE_MAX_CLIPPED", 0.10)  # share of burnt-white face pixels
FACE_MIN_CONTRAST = envfloat("FACE_MIN_CONTRAST", 14)  # standard deviation of the face's luminance
FACE_MAX_YAW = envfloat("FACE_MAX_YAW", 20)  # degrees
FACE_MAX_PITCH = envfloat("FACE_MAX_PITCH", 20)
FACE_MAX_ROLL = envfloat("FACE_MAX_ROLL", 20)
FACE_MIN_MARGIN = envfloat("FACE_MIN_MARGIN", 0.0)  # face to frame edge, in eye distances
FACE_MIN_EYE_OPENNESS = envfloat("FACE_MIN_EYE_OPENNESS", 0.15)  # eye aspect ratio
# No face found: the middle of the frame says why (blurred below this sharpness, burnt above this share).
FACE_FRAME_MIN_SHARPNESS = envfloat("FACE_FRAME_MIN_SHARPNESS", 0.06)
FACE_FRAME_MAX_CLIPPED = envfloat("FACE_FRAME_MAX_CLIPPED", 0.30)
# Passport-like portraits (ISO/IEC 19794-5 full frontal: eyes 90 px apart, yaw/pitch 5, roll 8 degrees).
FACE_STRICT = envbool("FACE_STRICT", False)
# Live guidance on the capture page: frames checked per second per camera (0: no live guidance).
FACE_LIVE_RATE = envfloat("FACE_LIVE_RATE", 3)
FACE_LIVE_MAX_BYTES = envint("FACE_LIVE_MAX_BYTES", 200_000)  # a 320x240 JPEG preview frame is about 15 KB
# Files: bigger pictures are refused (decompression bombs); the rest is decoded to at most
# FACE_WORK_SIDE pixels on the long side, and faces are looked for on a FACE_DETECT_SIDE copy.
FACE_MAX_IMAGE_PIXELS = envint("FACE_MAX_IMAGE_PIXELS", 64_000_000)
FACE_WORK_SIDE = envint("FACE_WORK_SIDE", 1600)
FACE_DETECT_SIDE = envint("FACE_DETECT_SIDE", 640)

# Face search (face.search.nearest). "auto": pgvector's HNSW index on PostgreSQL, exact numpy elsewhere.
FACE_SEARCH_BACKEND = os.environ.get("FACE_SEARCH_BACKEND", "auto")
# HNSW candidates examined per search: recall against speed; `manage.py bench_search` measured the default.
FACE_SEARCH_EF_SEARCH = envint("FACE_SEARCH_EF_SEARCH", 200)
# Filtered searches test the person's facts on the portrait row, and one station has its own index:
# 300 keeps sex + age at recall@10 0.993 and p95 under 20 ms at 1,000,000 faces (docs/performance.md).
FACE_SEARCH_EF_SEARCH_FILTERED = envint("FACE_SEARCH_EF_SEARCH_FILTERED", 300)
# How far a filtered HNSW search (sex, age, station) may walk the graph for k rows that pass the filter.
FACE_SEARCH_MAX_SCAN_TUPLES = envint("FACE_SEARCH_MAX_SCAN_TUPLES", 20000)
# numpy backend: how often (seconds) each process asks the database whether other processes changed
# encodings; its own changes are seen at once.
FACE_SEARCH_RECHECK_SECONDS = envfloat("FACE_SEARCH_RECHECK_SECONDS", 1.0)
# The face encoder (face.encoders: "mobilefacenet" or "dlib"). Changing it: `manage.py reencode_faces`
# (searches keep the old encodings until every new one is made). README, "Face encoders", says why
# mobilefacenet is the default (issue 24, docs/performance.md).
FACE_ENCODER = os.environ.get("FACE_ENCODER", "mobilefacenet")
# Each encoder's distances measured on East Asian faces (`manage.py calibrate_faces`; figures only).
FACE_CALIBRATION_FILE = Path(os.environ.get("FACE_CALIBRATION_FILE", BASE_DIR / "face" / "calibration.json"))
# Two faces are proposed as possibly one person when no more than this share of the strangers of the
# calibration set are as close (the threshold is read from the calibration, per encoder).
FACE_FALSE_MATCH_RATE = envfloat("FACE_FALSE_MATCH_RATE", 0.01)
# Old photos (issue 24): a family's photo taken this many years ago or more is "old"; the face's weight in
# a candidate's rank is then multiplied by FACE_OLD_PHOTO_WEIGHT, the share of same-person pairs the
# product's face decision still finds across decades against at the same age on the Large Age-Gap set
# (`manage.py bench_age_gap`: 0.30 for mobilefacenet, 0.04 for dlib; docs/performance.md).
FACE_OLD_PHOTO_YEARS = envint("FACE_OLD_PHOTO_YEARS", 10)
FACE_OLD_PHOTO_WEIGHT = envfloat("FACE_OLD_PHOTO_WEIGHT", 0.3)
# Portraits re-encoded by each catch-up beat after a change of encoder (`manage.py reencode_faces` does all).
FACE_REENCODE_BATCH = envint("FACE_REENCODE_BATCH", 200)
# Two dlib encodings of one person are nearer than this (Euclidean distance): dlib's documented figure,
# measured on Western faces; the product's decisions use FACE_FALSE_MATCH_RATE (face.encoding.is_candidate).
FACE_MATCH_DISTANCE = envfloat("FACE_MATCH_DISTANCE", 0.6)

# --- tracing (cases, notices, DNA, deadlines, reminders): settings below belong to the tracing app.
# Deadlines of the tracing rules, counted from the arrival (tracing.models.TracingCase, "Deadline rules").
TRACING_NOTICE_HOURS = envint("TRACING_NOTICE_HOURS", 24)  # notice registered and published within 24 h
TRACING_DNA_DAYS = envint("TRACING_DNA_DAYS", 7)  # family not found in 7 days: DNA referral to the police
# The 2015 national opinion speaks of 7 *working* days: on, the DNA deadline skips weekends and Chinese
# public holidays (chinese-calendar; Monday to Friday for years it has no data for).
TRACING_DNA_WORKING_DAYS = envbool("TRACING_DNA_WORKING_DAYS", False)
TRACING_REFRESH_DAYS = envint("TRACING_REFRESH_DAYS", 30)  # notice refreshed monthly while still in the station
# The police take the DNA sample within a month of the request (until sampled or the family is found).
TRACING_SAMPLE_DAYS = envint("TRACING_SAMPLE_DAYS", 30)
# Unidentified after three months: the household registration (落户安置) is applied for. Read also under its
# name of earlier versions, when it was a long-stay review.
TRACING_HOUSEHOLD_DAYS = envint("TRACING_HOUSEHOLD_DAYS", envint("HOUSEHOLD_REGISTRATION_REVIEW_DAYS", 90))
# An unidentified person is first interviewed within this many days of the arrival, then again every
# TRACING_INTERVIEW_DAYS while still unidentified and in the station.
TRACING_FIRST_INTERVIEW_DAYS = envint("TRACING_FIRST_INTERVIEW_DAYS", 2)
TRACING_INTERVIEW_DAYS = envint("TRACING_INTERVIEW_DAYS", 30)
TRACING_AT_RISK_FRACTION = envfloat("TRACING_AT_RISK_FRACTION", 0.25)  # "at risk" in the last quarter
TRACING_SWEEP_SECONDS = envfloat("TRACING_SWEEP_SECONDS", 60)
# Notices and letters to the police are public documents in Chinese, whatever the user's screen language.
TRACING_DOCUMENT_LANGUAGE = os.environ.get("TRACING_DOCUMENT_LANGUAGE", "zh-hans")
# A CJK font for every PDF (Debian fonts-wqy-zenhei, installed by `make system-deps`; lib.pdf).
# TRACING_PDF_FONT is its name of earlier versions, still read.
PDF_FONT = os.environ.get("PDF_FONT") or os.environ.get("TRACING_PDF_FONT") or "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
# Family reports and duplicate files (family.finding). A resident is proposed as a candidate within the
# face encoder's calibrated decision (FACE_FALSE_MATCH_RATE), or on a strong description: a name that
# sounds the same with a description score of at least TRACING_MIN_DESCRIPTION_SCORE, or the same ID number.
TRACING_MIN_NAME_SCORE = envfloat("TRACING_MIN_NAME_SCORE", 0.8)
TRACING_MIN_DESCRIPTION_SCORE = envfloat("TRACING_MIN_DESCRIPTION_SCORE", 0.7)
TRACING_FACE_CANDIDATES = envint("TRACING_FACE_CANDIDATES", 10)  # nearest portraits per report photo
TRACING_MAX_CANDIDATES = envint("TRACING_MAX_CANDIDATES", 10)  # proposed per search of a report
TRACING_DUPLICATE_CANDIDATES = envint("TRACING_DUPLICATE_CANDIDATES", 5)  # nearest other files per portrait
# Files scored per description search, newest first: every file whose name shares a search key is
# scored up to this many (bench_description: at most 1,625 for one name at 1,000,000 files).
TRACING_DESCRIPTION_SCAN = envint("TRACING_DESCRIPTION_SCAN", 2000)
# The sweep: every minute; a sweep not started within its interval is dropped (the next one does its work).
# Work lost by the queue (or queued while it was down) is done by these, after this many seconds.
CATCH_UP_SECONDS = envint("CATCH_UP_SECONDS", 60)
# The data-quality sweep (oversight.problem_sweep): daily; the grace days before each rule fires.
DATA_QUALITY_SWEEP_SECONDS = envint("DATA_QUALITY_SWEEP_SECONDS", 24 * 3600)
DATA_QUALITY_PORTRAIT_DAYS = envint("DATA_QUALITY_PORTRAIT_DAYS", 1)
DATA_QUALITY_HANDOVER_DAYS = envint("DATA_QUALITY_HANDOVER_DAYS", 1)
DATA_QUALITY_DNA_SAMPLE_DAYS = envint("DATA_QUALITY_DNA_SAMPLE_DAYS", 30)
DATA_QUALITY_DNA_RESULT_DAYS = envint("DATA_QUALITY_DNA_RESULT_DAYS", 60)
DATA_QUALITY_REVIEW_GRACE_DAYS = envint("DATA_QUALITY_REVIEW_GRACE_DAYS", 3)
DATA_QUALITY_LATE_SEEN_DAYS = envint("DATA_QUALITY_LATE_SEEN_DAYS", 7)
# A station's arrivals or residents changing by more than this percentage from one month to the next
# (either month counting at least DATA_QUALITY_MONTH_CHANGE_MIN) is a problem to explain.
DATA_QUALITY_MONTH_CHANGE_PERCENT = envint("DATA_QUALITY_MONTH_CHANGE_PERCENT", 50)
DATA_QUALITY_MONTH_CHANGE_MIN = envint("DATA_QUALITY_MONTH_CHANGE_MIN", 10)
# A data-quality problem accepted as it is stays accepted this many days, then is looked at again.
PROBLEM_ACCEPTANCE_DAYS = envint("PROBLEM_ACCEPTANCE_DAYS", 90)
# A month's inspection (工作检查登记表) is due this many days into the next month; then the station head is
# told once and the bureau sees it missing (oversight.problem_sweep.inspections, run with the sweep).
INSPECTION_DUE_DAYS = envint("INSPECTION_DUE_DAYS", 7)


# --- notices and exchange (issue 26): the published notices' public pages and feeds, the partner API.
# The public pages and feeds: requests per client address (django-ninja's throttle, "N/s|min|hour|day").
PUBLIC_RATE = os.environ.get("PUBLIC_RATE", "60/min")
# The partner API: requests per token.
API_RATE = os.environ.get("API_RATE", "120/min")
# The partner API's largest request body (a family report with its photos, a list to compare).
API_MAX_BYTES = envint("API_MAX_BYTES", 20 * 1024 * 1024)
# The most rows of one list submitted for comparison.
API_MAX_ROWS = envint("API_MAX_ROWS", 50_000)
# PFIF record ids are "<PFIF_DOMAIN>/person.<n>": the site's own domain, once chosen never changed.
PFIF_DOMAIN = os.environ.get("PFIF_DOMAIN", "homeward.example.gov.cn")
# A notice withdrawn everywhere stays this many days in the PFIF feed as an expired record.
PFIF_EXPIRED_DAYS = envint("PFIF_EXPIRED_DAYS", 30)
# The monthly exchange: a folder where partners' death-record lists are dropped (one sub-folder per
# partner, named by its code); picked up every EXCHANGE_PICKUP_SECONDS. Empty: no folder is read.
EXCHANGE_DROP_DIR = os.environ.get("EXCHANGE_DROP_DIR", "")
EXCHANGE_PICKUP_SECONDS = envfloat("EXCHANGE_PICKUP_SECONDS", 600)


# Every periodic task, in one place. Each expires after its own interval: a run not started by then
# is dropped, as the next one does its work.
def every(task, seconds):
    return {"task": task, "schedule": seconds, "options": {"expires": seconds}}


CELERY_BEAT_SCHEDULE = {
    "catch-up-encodings": every("face.tasks.catch_up_encodings", CATCH_UP_SECONDS),
    "catch-up-searches": every("family.tasks.catch_up_searches", CATCH_UP_SECONDS),
    "sweep-deadlines": every("tracing.tasks.sweep_deadlines", TRACING_SWEEP_SECONDS),
    "sweep-stay-reviews": every("shelter.tasks.sweep_reviews", TRACING_SWEEP_SECONDS),
    "check-data-quality": every("oversight.tasks.check_data_quality", DATA_QUALITY_SWEEP_SECONDS),
    "pick-up-exchange-files": every("exchange.tasks.pick_up_files", EXCHANGE_PICKUP_SECONDS),
}

# Pages that update themselves (htmx polling): the header's unread-notifications count, and a family
# report's candidates while its search runs (then once a minute while the report is searched for).
NOTIFICATION_POLL_SECONDS = envint("NOTIFICATION_POLL_SECONDS", 30)
SEARCH_POLL_SECONDS = envint("SEARCH_POLL_SECONDS", 3)
