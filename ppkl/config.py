"""Defaults. instance/config.py and then the environment override them."""

import os
from datetime import timedelta

DEFAULT_SECRET_KEY = "dev-only-change-me"


class Config:
    SECRET_KEY = DEFAULT_SECRET_KEY
    # Filled in by create_app() with a SQLite file under instance/ when unset.
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLITE_BUSY_TIMEOUT = 30
    # PostgreSQL's JIT compilation, off for the app's connections: it cost up to 1.7 s per
    # large query at national size and saved nothing measurable on these queries.
    POSTGRES_JIT = False

    # Set PPKL_PRODUCTION=1 in production: secure cookies, no demo data.
    PRODUCTION = False

    # The first province: the migration that introduced provinces, and seed-demo, create it
    # from these settings and the office ones below; afterwards its row (admin, Provinsi) is
    # what pages and PDFs read.
    PROVINCE_NAME = "Kalimantan Utara"
    PROVINCE_CODE = "65"
    OFFICE_NAME = "Dinas Perindustrian, Perdagangan, Koperasi dan UMKM Provinsi Kalimantan Utara"
    OFFICE_PLACE = "Tanjung Selor"
    # The office time zone: office days (today, the recap's end of day, date filters, reports)
    # and the timestamps shown. Babel's BABEL_DEFAULT_TIMEZONE follows it unless set.
    TIMEZONE = "Asia/Makassar"

    BABEL_DEFAULT_LOCALE = "id"
    LANGUAGES = ("id", "en")

    # A NIK (Nomor Induk Koperasi) is 16 digits by default.
    NIK_PATTERN = r"\d{16}"

    # Argon2id with time cost, memory in KiB, parallelism: OWASP's minimum (m=19 MiB, t=2, p=1).
    # Older PBKDF2 hashes are upgraded at the next sign-in (ppkl/auth/passwords.py).
    PASSWORD_HASH_METHOD = "argon2id:2:19456:1"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = timedelta(days=7)
    SESSION_IDLE_TIMEOUT = timedelta(hours=8)
    SESSION_ABSOLUTE_TIMEOUT = timedelta(days=7)

    WTF_CSRF_TIME_LIMIT = None  # the session's own lifetime bounds the token
    BOOTSTRAP_SERVE_LOCAL = True
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024

    PER_PAGE = 50
    LIST_COUNT_CAP = 10_000  # list pages count up to this many rows, then say "more than"

    # Certification deadlines (docs/certification.md): month-day strings, days, years.
    FISCAL_YEAR_END = "12-31"  # fiscal year Y ends on this day of Y
    RAT_DUE = "06-30"  # the RAT for fiscal year Y is due by this day of Y+1
    RAT_WARNING_FROM = "03-31"  # ... with a warning from this day of Y+1
    RAT_REPORT_DUE_DAYS = 30  # the RAT report is due within this many days of the meeting
    INACTIVITY_YEARS = 3  # no RAT in this many ended fiscal years: deactivation candidate
    # Kesehatan koperasi, best first.
    HEALTH_CATEGORIES = ("Sehat", "Cukup Sehat", "Dalam Pengawasan", "Dalam Pengawasan Khusus")
    # Files that every machine of an installation shares (docs/deployment.md): visit photos,
    # certificate documents, report files and the report cache, import files. "directory": a
    # folder per kind under STORAGE_DIR (default: the instance folder; a volume every machine
    # mounts when there are several); "s3": S3-compatible object storage, credentials from
    # boto3's usual chain (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, a profile or a role).
    STORAGE_BACKEND = "directory"
    STORAGE_DIR: str | None = None
    S3_BUCKET: str | None = None
    S3_PREFIX = ""
    S3_ENDPOINT_URL: str | None = None  # None: AWS itself
    S3_REGION: str | None = None
    S3_ADDRESSING_STYLE: str | None = None  # "path" suits most self-hosted stores
    # Field work. With the directory backend, VISIT_PHOTO_DIR (and the other *_DIR settings)
    # still name a kind's own folder when set.
    VISIT_EDIT_DAYS = 7
    VISIT_PHOTO_DIR: str | None = None
    VISIT_PHOTO_MAX_BYTES = 5 * 1024 * 1024
    VISIT_PHOTO_MAX_COUNT = 5
    # Certificate photos and scans (docs/certificate.md): under instance/ unless CERTIFICATE_DIR
    # is set. A scanned PDF is stored as sent, so it gets more room than a re-encoded photo.
    CERTIFICATE_DIR: str | None = None
    CERTIFICATE_MAX_BYTES = 10 * 1024 * 1024
    # An upload read for its code waits this long for the user to confirm the move.
    CERTIFICATE_PENDING_SECONDS = 24 * 3600
    # A visit logged further than this from the cooperative's recorded location, or with a
    # position less precise than this, is flagged (docs/api.md, "Location").
    VISIT_LOCATION_MAX_KM = 2.0
    VISIT_LOCATION_MAX_ACCURACY_M = 100.0
    # Where /manifest.webmanifest and /sw.js are read from (None: ppkl/static/app).
    APP_SHELL_DIR: str | None = None
    # Personal API tokens: the longest life a user may give one, and the default offered.
    API_TOKEN_MAX_DAYS = 365
    API_TOKEN_DEFAULT_DAYS = 90
    WORKLIST_STUCK_DAYS = 30
    WORKLIST_NOT_VISITED_DAYS = 90
    WORKLIST_DUE_SOON_DAYS = 7

    # Refused requests (403) written to the audit log per user (or address) an hour; the rest
    # are logged only, so nobody can grow the append-only audit table without bound.
    FORBIDDEN_AUDIT_PER_HOUR = 20

    # Failed sign-in attempts allowed per account and per client address (Flask-Limiter syntax).
    # Shared by all workers through Redis when REDIS_URL is set, else counted per process.
    LOGIN_LIMIT_PER_ACCOUNT = "10 per 15 minutes"
    LOGIN_LIMIT_PER_ADDRESS = "50 per 15 minutes"
    REDIS_URL: str | None = None
    RATELIMIT_KEY_PREFIX = "ppkl"
    RATELIMIT_STRATEGY = "moving-window"

    # Behind a reverse proxy (docs/deployment.md): how many proxies in front set
    # X-Forwarded-For and -Proto (0: trust none), and the host names this site answers to
    # (None: any). PROXY_X_FOR/_PROTO override PROXY_COUNT for one header; X-Forwarded-Host,
    # -Port and -Prefix are believed only when PROXY_X_HOST/_PORT/_PREFIX say so.
    PROXY_COUNT = 0
    PROXY_X_FOR: int | None = None
    PROXY_X_PROTO: int | None = None
    PROXY_X_HOST = 0
    PROXY_X_PORT = 0
    PROXY_X_PREFIX = 0
    TRUSTED_HOSTS: list[str] | None = None
    HSTS_MAX_AGE = 365 * 24 * 3600
    # Seconds a client is told to wait (Retry-After) while the database is unreachable.
    DATABASE_RETRY_AFTER = 30
    # Every page, script and style comes from this site; nothing may frame it.
    CONTENT_SECURITY_POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
        "form-action 'self'"
    )

    # Reports (docs/reports.md): the signature block, caps, cache and batch jobs.
    REPORT_SUPERVISOR_TITLE = "Kepala Bidang Koperasi dan UMKM"
    REPORT_SUPERVISOR_NAME = "Trianingsih, S.E."
    REPORT_SUPERVISOR_NIP: str | None = None
    # The nation's reports (national accounts, the national recap): the ministry's letterhead,
    # signature line and time zone. Each province's come from its row (admin, Provinsi).
    NATIONAL_OFFICE_NAME = "Kementerian Koperasi Republik Indonesia"
    NATIONAL_OFFICE_PLACE = "Jakarta"
    NATIONAL_SIGNATORY_TITLE = "Deputi Bidang Kelembagaan dan Digitalisasi Koperasi"
    NATIONAL_SIGNATORY_NAME = "................................"
    NATIONAL_SIGNATORY_NIP: str | None = None
    NATIONAL_TIMEZONE = "Asia/Jakarta"
    REPORT_MAX_DAYS = 366
    REPORT_MAX_ROWS = 1000
    REPORT_CACHE_DIR: str | None = None  # default: instance/report-cache
    REPORT_JOB_DIR: str | None = None  # default: instance/report-jobs
    # REDIS_URL (above) set: batches run on RQ workers; unset: an in-process worker thread.
    REPORT_QUEUE = "ppkl-reports"
    REPORT_DAK_VISITS_PER_MONTH = 8
    REPORT_ON_TIME_DAYS = 3
    REPORT_ON_TIME_TARGET_PERCENT = 90
    # Cooperative imports through the web: largest file and most data rows accepted.
    IMPORT_MAX_BYTES = 10 * 1024 * 1024
    IMPORT_MAX_ROWS = 50_000
    # A confirmed web import of more data rows than this runs as a background job (on the
    # `report worker` processes with REDIS_URL, else a thread), its page showing the progress.
    IMPORT_SYNC_MAX_ROWS = 5_000
    # The same for `flask import-cooperatives`: a national register (210,000 rows, about 30 MB
    # as CSV) in one file, within the memory documented in docs/import-export.md.
    IMPORT_CLI_MAX_BYTES = 256 * 1024 * 1024
    IMPORT_CLI_MAX_ROWS = 1_000_000
    # An XLSX is a zip: refuse one that unpacks to more than this (all parts, shared strings).
    IMPORT_MAX_UNPACKED_BYTES = 200 * 1024 * 1024
    IMPORT_MAX_SHARED_STRINGS_BYTES = 32 * 1024 * 1024
    # Uploaded files waiting for the supervisor's confirmation; default instance/imports.
    IMPORT_UPLOAD_DIR: str | None = None
    # Seconds an uploaded file waits for confirmation; older ones are refused and removed.
    IMPORT_UPLOAD_MAX_AGE = 3600


def environment_overrides() -> dict:
    """Settings read from the environment; they win over instance/config.py."""
    found = {}
    if os.environ.get("DATABASE_URL"):
        found["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(os.environ["DATABASE_URL"])
    if os.environ.get("SECRET_KEY"):
        found["SECRET_KEY"] = os.environ["SECRET_KEY"]
    if os.environ.get("REDIS_URL"):
        found["REDIS_URL"] = os.environ["REDIS_URL"]
    return found


def normalise_database_url(url: str) -> str:
    """Accept the postgres:// and postgresql:// spellings and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
