"""The one settings module: every deployment choice comes from FENJI_* environment variables."""

import ipaddress
import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


PACKAGE_DIR = Path(__file__).resolve().parent
# What fenji writes is for its own account only: files 0600, directories 0700 (the SQLite database and the
# -wal/-shm files SQLite creates beside it, backups, keys, uploads). Every process (fenji, manage.py, the
# granian workers, any WSGI server importing fenji.wsgi) loads these settings before it writes anything.
os.umask(0o077)


def _var_dir() -> Path:
    """Where the database, keys and uploads live: FENJI_VAR_DIR, else ``var/`` of the current directory when
    it exists or the current directory is a fenji checkout. Anywhere else fenji refuses to start: a new
    ``var/`` there would hold a new empty database and new keys, and the real data would look lost."""
    if os.environ.get("FENJI_VAR_DIR"):
        return Path(os.environ["FENJI_VAR_DIR"]).resolve()
    here = Path.cwd()
    if (here / "var").is_dir() or ((here / "manage.py").is_file() and (here / "src" / "fenji").is_dir()):
        return (here / "var").resolve()
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"找不到数据目录：当前目录 {here} 下没有 var/，也不是 fenji 项目目录。请在项目目录中运行，"
        "或设置 FENJI_VAR_DIR 指向已有的数据目录（fenji 不会另建数据库和密钥）。\n"
        f"No data directory: {here} has no var/ and is not a fenji checkout. Run fenji from the project "
        "directory or set FENJI_VAR_DIR to the existing data directory (fenji never creates a second "
        "database and new keys by itself).")


VAR_DIR = _var_dir()
VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
if VAR_DIR.stat().st_mode & 0o077 and VAR_DIR.stat().st_uid == os.geteuid():
    VAR_DIR.chmod(0o700)  # made before this rule (0755): tightened; a directory of another owner is left alone


def _secret_key() -> str:
    """FENJI_SECRET_KEY, or a key generated once into var/ and kept there (mode 0600)."""
    if os.environ.get("FENJI_SECRET_KEY"):
        return os.environ["FENJI_SECRET_KEY"]
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
# Keys for ID and mobile numbers at rest (kernel/crypto.py): FENJI_DATA_KEYS + FENJI_INDEX_KEY or
# FENJI_DATA_KEY from the environment, else this key file, generated once (0600). Never in the database;
# back it up apart from the database: a backup without it holds no readable personal data.
DATA_KEY_FILE = Path(os.environ.get("FENJI_DATA_KEY_FILE") or VAR_DIR / "data.key")
DEBUG = env_bool("FENJI_DEBUG")
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("FENJI_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves the API docs' Swagger UI from its own static files, never a CDN
    "fenji.core.kernel",
    "fenji.core.access",
    "fenji.core.mfa",
    "fenji.core.audit",
    "fenji.core.notify",
    "fenji.core.calendar",
    "fenji.core.web",
    "fenji.core.api",
    "fenji.core.org",
    "fenji.core.workflow",
    "fenji.core.people",
    "fenji.core.dispatch",
    "fenji.core.files",
    "fenji.core.seals",
    "fenji.core.submissions",
    "fenji.core.community",
    "fenji.core.publish",
    "fenji.core.tickets",
    "fenji.core.supervision",
    "fenji.core.ops",
    "fenji.core.console",
    # Every module is installed in every deployment (one schema); the profile decides which are live.
    "fenji.modules.veterans",
    "fenji.modules.office",
    "fenji.modules.league",
    "fenji.modules.discipline",
    "fenji.modules.labor",
    "fenji.profiles",  # the profile declarations: wiring above the modules
    "fenji.bench",
]

# Each middleware enforces something or is needed by what does (issue 21). django-htmx's middleware was
# dropped: it only set ``request.htmx``, which nothing reads (the app stays for its static htmx.js).
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",  # HTTPS redirect, HSTS, nosniff, referrer policy
    "fenji.core.web.headers.SecurityHeadersMiddleware",  # CSP, Permissions-Policy, no-store on private pages
    "fenji.core.kernel.middleware.RequestContextMiddleware",  # client address, request id, channel: the audit's
    "django.contrib.sessions.middleware.SessionMiddleware",  # the session (hashed keys: kernel.sessions)
    "fenji.core.web.middleware.LanguageMiddleware",  # Chinese unless the person chose otherwise
    "django.middleware.common.CommonMiddleware",  # the trailing-slash redirect of typed addresses
    "django.middleware.csrf.CsrfViewMiddleware",  # CSRF on every unsafe request
    # request.user: the session's account with its grants in one query (people.signed_in, ADR 0019)
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",  # the one-off notices after a redirect
    "fenji.core.people.middleware.SessionPolicyMiddleware",  # idle/absolute timeouts, channel, password age
    "fenji.core.people.middleware.ReadYourWritesMiddleware",  # a writer's next reads on the primary (ADR 0024)
    "fenji.core.access.middleware.ActorMiddleware",  # request.actor: the live grants, once per request
    "fenji.core.mfa.middleware.SecondFactorMiddleware",  # ends a password-only session that became an admin's
    "fenji.core.web.middleware.DomainErrorMiddleware",  # refusals → 403/404, recorded
    "fenji.core.web.middleware.ExportLimitMiddleware",  # Excel exports counted per account and address (429)
    "django.middleware.clickjacking.XFrameOptionsMiddleware",  # X-Frame-Options for browsers without CSP
    "axes.middleware.AxesMiddleware",  # the lockout answer after repeated failed logins
]

ROOT_URLCONF = "fenji.urls"
WSGI_APPLICATION = "fenji.wsgi.application"

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
                "fenji.core.web.context.console",
                "fenji.core.web.context.platform",
                "fenji.core.ops.context.maintenance",
            ],
        },
    },
]
# Django's renderer, with the plainest widgets (inputs, selects) written in Python: the same markup (web/formrender.py).
FORM_RENDERER = "fenji.core.web.formrender.FastFormRenderer"

# Database: PostgreSQL in production; SQLite (WAL) in var/ by default.
DATABASE_URL = os.environ.get("FENJI_DATABASE_URL") or f"sqlite:///{VAR_DIR / 'fenji.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
# Connections live at most CONN_MAX_AGE (60 s). Health checks would ping ("SELECT 1") at the start of every
# request that reuses one. Off for a database on this host (loopback or Unix socket): nothing between the
# two drops a 60-second-old connection, and after a database restart the one request that meets the dead
# connection fails, its error marks the connection unusable and Django opens a new one for the next request.
# On for a remote database, where a network path or failover may cut connections without notice.
_db_host = DATABASES["default"].get("HOST") or ""
DATABASES["default"]["CONN_HEALTH_CHECKS"] = _db_host not in ("", "localhost", "127.0.0.1", "::1") \
    and not _db_host.startswith("/")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE: a write transaction takes the write lock at BEGIN, so tree writes serialize.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON",
    }
# Through pgbouncer in transaction pooling mode (FENJI_DATABASE_POOLER=pgbouncer, ADR 0024): each transaction may
# run on another server connection, so nothing may outlive one: no server-side cursors (.iterator() of the
# exports would open a named cursor across statements) and no prepared statements (psycopg's prepare_threshold
# None, Django's default, said here so that no one turns it on). Advisory locks are per transaction
# (pg_advisory_xact_lock) and settings SET LOCAL already, everywhere.
DATABASE_POOLER = os.environ.get("FENJI_DATABASE_POOLER", "").strip().lower()
if DATABASE_POOLER not in ("", "pgbouncer"):
    raise ImproperlyConfigured("FENJI_DATABASE_POOLER must be empty or 'pgbouncer'")
if DATABASE_POOLER == "pgbouncer":
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None

# Streaming replicas for the reads of list and statistics pages (fenji.core.kernel.replicas, ADR 0024):
# FENJI_REPLICA_URLS, comma-separated, become the aliases replica1, replica2, … with the primary's options.
REPLICA_DATABASES = []
for _n, _url in enumerate([u.strip() for u in os.environ.get("FENJI_REPLICA_URLS", "").split(",") if u.strip()], 1):
    _parsed = dj_database_url.parse(_url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"])
    _replica = {**DATABASES["default"], **{k: _parsed[k] for k in ("ENGINE", "NAME", "USER", "PASSWORD", "HOST",
                                                                    "PORT")}}
    # a replica that does not answer within 2 s is skipped (the primary reads), never waited for
    _replica["OPTIONS"] = {**DATABASES["default"].get("OPTIONS", {}), **_parsed.get("OPTIONS", {}),
                           "connect_timeout": 2}
    _replica["CONN_HEALTH_CHECKS"] = True
    DATABASES[f"replica{_n}"] = _replica
    REPLICA_DATABASES.append(f"replica{_n}")
DATABASE_ROUTERS = ["fenji.core.kernel.replicas.ReplicaRouter"]
# After a successful write, the writer's reads stay on the primary this long (read-your-writes).
READ_YOUR_WRITES_SECONDS = env_int("FENJI_READ_YOUR_WRITES_SECONDS", 10)
# A replica further behind than this is skipped (0: no bound); one that failed is retried after this long.
REPLICA_MAX_LAG_SECONDS = env_int("FENJI_REPLICA_MAX_LAG_SECONDS", 30)
REPLICA_RETRY_SECONDS = env_int("FENJI_REPLICA_RETRY_SECONDS", 30)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "people.Account"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "fenji.core.people.backends.AccountBackend",
]
LOGIN_URL = "people:login"
LOGIN_REDIRECT_URL = "home:home"

# PBKDF2-HMAC-SM3 first; hashes made by the others are upgraded to it at the next successful login.
PASSWORD_HASHERS = [
    "fenji.core.people.hashers.PBKDF2SM3PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
PASSWORD_MIN_LENGTH = 10
PASSWORD_HISTORY_COUNT = 5
PASSWORD_MAX_AGE_DAYS = env_int("FENJI_PASSWORD_MAX_AGE_DAYS", 90)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "fenji.core.people.passwords.LengthValidator", "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH}},
    {"NAME": "fenji.core.people.passwords.CharacterClassValidator"},
    {"NAME": "fenji.core.people.passwords.NotContainingMobileValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "fenji.core.people.passwords.HistoryValidator", "OPTIONS": {"count": PASSWORD_HISTORY_COUNT}},
]

# Administrators (any system/security/audit duty) may sign in only from these networks, e.g.
# "10.12.0.0/16,192.168.8.0/24" (等保 8.1.4.4 c). Empty: no restriction.
ADMIN_NETWORKS = [ipaddress.ip_network(n.strip(), strict=False)
                  for n in os.environ.get("FENJI_ADMIN_NETWORKS", "").split(",") if n.strip()]
# The reverse proxies in front of fenji (nginx), e.g. "127.0.0.1/32": from them the client address is read
# from X-Forwarded-For (the right-most hop that is not a trusted proxy). Empty: REMOTE_ADDR as it is, and
# X-Forwarded-For is ignored, so a client cannot choose the address the admin networks and throttles see.
TRUSTED_PROXIES = [ipaddress.ip_network(n.strip(), strict=False)
                   for n in os.environ.get("FENJI_TRUSTED_PROXIES", "").split(",") if n.strip()]

# Login throttling (seed 003 §15; 等保 8.1.4.1 b): 5 failures lock the account for 15 minutes,
# during which the correct password is refused too.
# Failed authentications (bad API tokens, failed console and mobile logins) per client address and minute
# beyond which the address is answered 429 (API) or refused until the minute is over (login pages).
AUTH_FAILURES_PER_MINUTE = env_int("FENJI_AUTH_FAILURES_PER_MINUTE", 20)
AXES_FAILURE_LIMIT = env_int("FENJI_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("FENJI_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "mobile"
AXES_LOCKOUT_CALLABLE = "fenji.core.people.views.lockout_response"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
# No mobile number in axes' tables: attempts are keyed by the number's blind index, the submitted
# number is masked in the stored POST data, and successful logins are recorded by the audit log only.
AXES_USERNAME_CALLABLE = "fenji.core.people.backends.axes_username"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "mobile"]
AXES_DISABLE_ACCESS_LOG = True

# Real-name sign-in through an external OpenID Connect provider (seed 004 §4: the national electronic social-security
# card app), in addition to the password: configured when FENJI_OIDC_ISSUER and FENJI_OIDC_CLIENT_ID are set. The
# provider's verified ID number (claim FENJI_OIDC_ID_NUMBER_CLAIM) must match exactly one active account; none is ever
# created. The login page's button reads FENJI_OIDC_BUTTON_LABEL (default 电子社保卡扫码登录, translated).
OIDC_ISSUER = os.environ.get("FENJI_OIDC_ISSUER", "").strip().rstrip("/")
OIDC_CLIENT_ID = os.environ.get("FENJI_OIDC_CLIENT_ID", "").strip()
OIDC_CLIENT_SECRET = os.environ.get("FENJI_OIDC_CLIENT_SECRET", "").strip()
OIDC_ID_NUMBER_CLAIM = os.environ.get("FENJI_OIDC_ID_NUMBER_CLAIM", "").strip() or "id_number"
OIDC_SCOPES = os.environ.get("FENJI_OIDC_SCOPES", "").strip() or "openid"
OIDC_BUTTON_LABEL = os.environ.get("FENJI_OIDC_BUTTON_LABEL", "").strip()
# Seconds fenji waits for the provider (discovery, keys, token) before telling the person it cannot be reached.
OIDC_TIMEOUT_SECONDS = env_int("FENJI_OIDC_TIMEOUT_SECONDS", 10)

# Personal API tokens expire after FENJI_TOKEN_DAYS (90) unless created for fewer days (at most 365).
API_TOKEN_DAYS = env_int("FENJI_TOKEN_DAYS", 90)

# Sessions: 30 minutes idle, 12 hours absolute; logout deletes the session row. The row holds a hash of the
# session key, not the key (fenji.core.kernel.sessions): a copy of the table opens no session.
SESSION_ENGINE = "fenji.core.kernel.sessions"
SESSION_COOKIE_AGE = env_int("FENJI_SESSION_IDLE_MINUTES", 30) * 60
# The idle timeout slides without a write per request: SessionPolicyMiddleware writes the session when
# its last write is over a minute old (fenji.core.people.middleware.renew_idle_timeout, docs/security.md).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_ABSOLUTE_SECONDS = env_int("FENJI_SESSION_ABSOLUTE_HOURS", 12) * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "fenji.core.api.errors.csrf_failure"  # the JSON envelope under /api/

# Behind TLS (production) everything that travels carries Secure and HSTS.
HTTPS = env_bool("FENJI_HTTPS")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Which system this deployment serves (fenji.profiles): default, veterans, office, league, discipline, labor.
FENJI_PROFILE = os.environ.get("FENJI_PROFILE", "default")
# The League's dues rule set (league profile): "seed" (the regulation's table, default) or "league2016".
FENJI_LEAGUE_DUES_RULES = os.environ.get("FENJI_LEAGUE_DUES_RULES", "seed").strip() or "seed"
# 团费留存比例 (%) of an organisation whose record names none: a local rule (design/domain/league.md §3)
FENJI_LEAGUE_RETENTION_PCT = os.environ.get("FENJI_LEAGUE_RETENTION_PCT", "0").strip() or "0"
# The lowest rank a grassroots discipline unit may not record (discipline profile; default 副科: deputy_section).
FENJI_DISCIPLINE_RANK_LIMIT = os.environ.get("FENJI_DISCIPLINE_RANK_LIMIT", "").strip()
# Where a grassroots unit sends a matter it may not record (discipline: the rank guard's upward report).
FENJI_DISCIPLINE_UPWARD_RECEIVER = os.environ.get("FENJI_DISCIPLINE_UPWARD_RECEIVER", "").strip() or "县纪委监委信访室"
# A petition about the same person and of the same category within this many days is a 重复件 (a local rule).
FENJI_DISCIPLINE_REPEAT_DAYS = int(os.environ.get("FENJI_DISCIPLINE_REPEAT_DAYS", "365") or 365)
# A petition received more days ago than this is entered as 补录 (paper registration during an outage, 003 §19).
FENJI_DISCIPLINE_LATE_ENTRY_DAYS = int(os.environ.get("FENJI_DISCIPLINE_LATE_ENTRY_DAYS", "7") or 7)
# Disposals of a clue that need a recorded 集体研究 besides 移送审查调查 (always): codes of
# fenji/modules/discipline/models.py ``Disposal``, comma-separated ([V-local]: P2 has every disposal studied)
FENJI_DISCIPLINE_CLUE_STUDY = os.environ.get("FENJI_DISCIPLINE_CLUE_STUDY", "").strip()
# The receiving side of the one-way export: a file of the sending units' public keys, "<unit code> <SM2 public key>"
# a line (empty: discipline-senders.txt in FENJI_VAR_DIR).
FENJI_DISCIPLINE_SENDER_KEYS = os.environ.get("FENJI_DISCIPLINE_SENDER_KEYS", "").strip()
# Where the sending side writes its export packages, downloaded from the packages' page (empty: discipline-exports
# in FENJI_VAR_DIR); and how many leading characters of a package's SM3 digest the operator types from the internal
# network's import receipt to confirm it (the note leaves it open [U]: 16 hex characters = 64 bits; 8 to 64).
FENJI_DISCIPLINE_EXPORT_DIR = os.environ.get("FENJI_DISCIPLINE_EXPORT_DIR", "").strip()
# The internal network's SM2 public key (x||y, 128 hex digits: `fenji discipline key --receiver` there): a real-name
# petition's petitioner travels encrypted to it; without it the petitioner stays on this side.
FENJI_DISCIPLINE_RECEIVER_KEY = os.environ.get("FENJI_DISCIPLINE_RECEIVER_KEY", "").strip()
FENJI_DISCIPLINE_CONFIRM_DIGEST_CHARS = int(os.environ.get("FENJI_DISCIPLINE_CONFIRM_DIGEST_CHARS", "16") or 16)
# A case's investigation and review (审理) limits in months from filing and from the transfer to review
# (discipline: county practice 3 months [V-local]; the 1-month review limit is unverified [U])
FENJI_DISCIPLINE_CASE_INVESTIGATION_MONTHS = int(os.environ.get("FENJI_DISCIPLINE_CASE_INVESTIGATION_MONTHS", "3") or 3)
FENJI_DISCIPLINE_CASE_REVIEW_MONTHS = int(os.environ.get("FENJI_DISCIPLINE_CASE_REVIEW_MONTHS", "1") or 1)
# Months within which a party member's appeal (申诉) against a party sanction is answered ([U]; 复审 1 and 复核 2
# months are the 监察法's own, §56)
FENJI_DISCIPLINE_PARTY_APPEAL_MONTHS = int(os.environ.get("FENJI_DISCIPLINE_PARTY_APPEAL_MONTHS", "3") or 3)
# Months a 以案促改 item has from its opening to its close (discipline: a local rule [V-local])
FENJI_DISCIPLINE_RECTIFICATION_MONTHS = int(os.environ.get("FENJI_DISCIPLINE_RECTIFICATION_MONTHS", "3") or 3)
# The deadlines of a clue's disposal (discipline, clue_deadlines.py): the 谈话函询 reply or talk record in working days
# after the disposal is final (15 [V-local]) and its conclusion in days after the reply (30 [V-local; U]); the 初步核实
# report in months (2 [V-local]) and its one extension approved by the principal leader (1 month [U]; 0: none)
FENJI_DISCIPLINE_TALK_LETTER_REPLY_DAYS = int(os.environ.get("FENJI_DISCIPLINE_TALK_LETTER_REPLY_DAYS", "15") or 15)
FENJI_DISCIPLINE_TALK_LETTER_REPORT_DAYS = int(os.environ.get("FENJI_DISCIPLINE_TALK_LETTER_REPORT_DAYS", "30") or 30)
FENJI_DISCIPLINE_PRELIM_MONTHS = int(os.environ.get("FENJI_DISCIPLINE_PRELIM_MONTHS", "2") or 2)
FENJI_DISCIPLINE_PRELIM_EXTENSION_MONTHS = int(os.environ.get("FENJI_DISCIPLINE_PRELIM_EXTENSION_MONTHS", "1") or 0)
# The age from which a retired cadre is visited or called every quarter (veterans profile; a local rule, 80).
FENJI_VETERANS_VISIT_AGE = int(os.environ.get("FENJI_VETERANS_VISIT_AGE", "80") or 80)
# labor (seed 004 业务需求运维管理暂行办法): working days the information centre and the business department have
# for the business test of a developed requirement (the regulation says "及时"; a local rule)
FENJI_LABOR_TEST_DAYS = int(os.environ.get("FENJI_LABOR_TEST_DAYS", "5") or 5)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Django's file storage (collectstatic) would chmod what it writes to 0644: same rule as the umask above.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# SMS: "console" prints, "file" appends JSON lines to FENJI_SMS_FILE (0600); a real gateway plugs in later.
# Messages carry initial passwords, so only FENJI_DEBUG (or an explicit FENJI_SMS_BACKEND=console, as
# `make run` sets for the demo) prints them: the production default is the file.
SMS_BACKEND = os.environ.get("FENJI_SMS_BACKEND") or ("console" if DEBUG else "file")
SMS_FILE = Path(os.environ.get("FENJI_SMS_FILE") or VAR_DIR / "sms-outbox.jsonl")

# `fenji worker` says it is alive every FENJI_WORKER_BEAT_SECONDS; a task left running by a worker silent for
# FENJI_WORKER_DEAD_SECONDS is put back in the queue (notify/orphans.py, ADR 0030).
FENJI_WORKER_BEAT_SECONDS = float(os.environ.get("FENJI_WORKER_BEAT_SECONDS") or 10)
FENJI_WORKER_DEAD_SECONDS = float(os.environ.get("FENJI_WORKER_DEAD_SECONDS") or 60)

# Background work (SMS, reminders, deadline ticks) goes through Django's task API (django-tasks) into
# the database queue, run by `fenji worker`. FENJI_TASKS_IMMEDIATE=1 runs tasks in-process (tests, demo).
TASKS = {
    "default": {
        "BACKEND": ("django_tasks.backends.immediate.ImmediateBackend" if env_bool("FENJI_TASKS_IMMEDIATE")
                    else "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("FENJI_LOG_LEVEL", "WARNING")},
}

FENJI_STALE_ACCOUNT_DAYS = env_int("FENJI_STALE_ACCOUNT_DAYS", 90)
# SMS codes (找回密码, 激活账号, people/recovery.py): minutes a code is valid; seconds between two codes to one
# number; codes per number a day; codes per client address an hour; wrong codes before the number is locked,
# and for how long. The defaults are docs/security.md's.
FENJI_SMS_CODE_MINUTES = env_int("FENJI_SMS_CODE_MINUTES", 5)
FENJI_SMS_CODE_GAP_SECONDS = env_int("FENJI_SMS_CODE_GAP_SECONDS", 60)
FENJI_SMS_CODES_PER_DAY = env_int("FENJI_SMS_CODES_PER_DAY", 10)
FENJI_SMS_CODES_PER_CLIENT_HOUR = env_int("FENJI_SMS_CODES_PER_CLIENT_HOUR", 20)
FENJI_SMS_CODE_WRONG_LIMIT = env_int("FENJI_SMS_CODE_WRONG_LIMIT", 5)
FENJI_SMS_CODE_LOCK_MINUTES = env_int("FENJI_SMS_CODE_LOCK_MINUTES", 15)
# Rate limits on API token creation and uploads (audit.ratelimits.LIMITS), per account and client address, as
# JSON overriding the defaults: {"upload": {"account": [300, 3600], "ip": [1000, 3600]}} (count per seconds).
FENJI_RATE_LIMITS = json.loads(os.environ.get("FENJI_RATE_LIMITS", "") or "{}")
# The office network (seed 001): days between two virus checks of a removable medium (§16: 及时查杀病毒, a
# local rule), and the working hours of a working day (§7.2: outside them the duty roster's 值班 takes arrivals).
FENJI_OFFICE_MEDIA_CHECK_DAYS = env_int("FENJI_OFFICE_MEDIA_CHECK_DAYS", 90)
FENJI_WORK_HOURS = os.environ.get("FENJI_WORK_HOURS", "08:30-17:30")
# Working days a unit has to answer a member's feedback (意见反馈): a local rule, 5 by default.
FENJI_FEEDBACK_DAYS = env_int("FENJI_FEEDBACK_DAYS", 5)
# Days after which a column of the class 其他 counts as stale (column health; 动态 14 and 通知/政策 180 are fixed).
FENJI_PUBLISH_STALE_DAYS = env_int("FENJI_PUBLISH_STALE_DAYS", 90)
# Which alerts also go by SMS at first (notify/alerts.py): a comma-separated list of alert kinds, or "none"; unset,
# each kind's default (arrivals of documents and overdue deadlines: yes). The migration that brought the alert
# rules seeded them from it; since then the top-level system administrator sets them on 提醒设置, and this value
# only counts for a kind that has no rule.
_alert_sms = os.environ.get("FENJI_ALERT_SMS")
FENJI_ALERT_SMS = None if _alert_sms is None else frozenset(
    kind.strip() for kind in _alert_sms.split(",") if kind.strip() and kind.strip() != "none")

# Uploaded attachments: at most FENJI_UPLOAD_MAX_MB each, kept under var/files (outside the web root).
UPLOAD_MAX_MB = env_int("FENJI_UPLOAD_MAX_MB", 20)
# Excel files read by the server (member import, calendar import): each part held or parsed as a whole
# at most FENJI_XLSX_MAX_PART_MB uncompressed, the shared-string table at most that many entries.
XLSX_MAX_PART_MB = env_int("FENJI_XLSX_MAX_PART_MB", 64)
XLSX_MAX_SHARED_STRINGS = env_int("FENJI_XLSX_MAX_SHARED_STRINGS", 2_000_000)
# An import whose writer computes per row (the member import: SM4 ciphertexts, blind indexes) does that, and
# the checks of each row, in FENJI_IMPORT_WORKERS forked processes (0: as many as CPUs) once the file has
# FENJI_IMPORT_PARALLEL_ROWS rows; a smaller file is imported in the process itself (ADR 0028).
IMPORT_WORKERS = env_int("FENJI_IMPORT_WORKERS", 0)
IMPORT_PARALLEL_ROWS = env_int("FENJI_IMPORT_PARALLEL_ROWS", 5000)
FILES_DIR = VAR_DIR / "files"

# Minutes a receiving unit has to sign for what was sent down, per kind (notice, meeting, document,
# feedback); entries here override the defaults in fenji.core.dispatch.services.SIGN_MINUTES.
DISPATCH_SIGN_MINUTES: dict[str, int] = {}

# axes.W006 asks to lock by IP too. We lock by account on purpose: a unit's staff often share one
# NAT address, and an IP lock would let one mistyping clerk lock out the whole office (ADR 0004).
# auth.W004: Account.mobile (the login) is ciphertext, not unique itself; the database keeps its keyed
# hash ``mobile_hash`` unique, and ``AccountManager.get_by_natural_key`` looks logins up by that hash.
SILENCED_SYSTEM_CHECKS = ["axes.W006", "auth.W004"]

# Lazy fan-out of dispatches to subtrees (ADR 0027): on; FENJI_DISPATCH_LAZY_FANOUT=0 writes a delivery row
# per receiving unit at sending again (the eager fan-out).
FENJI_DISPATCH_LAZY_FANOUT = env_bool("FENJI_DISPATCH_LAZY_FANOUT", True)
