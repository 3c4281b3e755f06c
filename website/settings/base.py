"""Settings shared by every environment.

Every value that differs between deployments is read from the environment, with a default
that is safe and works on a laptop with nothing installed: SQLite under var/, Celery tasks run
in-process, local-memory cache, console email, media under var/media.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("DIGNITY_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# ---------------------------------------------------------------------------
# Core
# https://docs.djangoproject.com/en/5.2/ref/settings/#core-settings
# ---------------------------------------------------------------------------
DEBUG = env_bool("DJANGO_DEBUG", False)
# Overridden in production.py, which refuses to start without a real one.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-never-use-in-production")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Ours, lowest layer first (see the dependency direction in the README).
    "users",
    "support",
    "lessons",
    "quizzes",
    "classrooms",
    "teaching",
    "schools",
    "offices",
    "website",
    # Wagtail
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    # Accounts
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Sessions indexed by user: log out everywhere and account deletion in one query (users/sessions.py).
    "allauth.usersessions",
    # Django
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # allauth's sessions page (usersessions/usersession_list.html) loads it
    "csp",
]

MIDDLEWARE = [
    # Load-balancer probes (/healthz, /readyz) are answered before host checks, redirects and caches.
    "website.health.HealthCheckMiddleware",
    # Keeps the balancer's X-Request-ID (or makes one) for every log line of the request (website/logging.py).
    "website.logging.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside everything that reads the session or the database, so a hit costs almost nothing.
    "website.page_cache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before anything reads the body: an oversized request gets the 413 page with the site's chrome,
    # a NUL byte the 400 page, a method no page uses (TRACE) a 405.
    "website.middleware.RequestHygieneMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Right after it: a session that skipped allauth's two-factor stage is logged out before any view.
    "users.second_factor.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "csp.middleware.CSPMiddleware",
    "support.middleware.SafetyHeadersMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last: a signed-in student's lesson is the cached page with the per-student parts filled in (website/holes.py);
    # everything above treats its answer like a view's (cookies, messages, security headers).
    "website.holes.StudentHoleMiddleware",
]

ROOT_URLCONF = "website.urls"
WSGI_APPLICATION = "website.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
                "support.context_processors.safety",
            ],
        },
    },
]

# ---------------------------------------------------------------------------
# Database: SQLite under var/ unless DATABASE_URL says otherwise
# https://github.com/jazzband/dj-database-url
# ---------------------------------------------------------------------------
if not os.environ.get("DATABASE_URL"):
    # The embedded default: a SQLite file that needs nothing installed.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'dignity.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # runserver answers on several threads. A SQLite transaction that reads first and writes later
    # (deferred, the default) can deadlock with another writer, and SQLite then fails one of them at once
    # ("database is locked"): two identical quiz submits did. IMMEDIATE takes the write lock at BEGIN, so
    # the second waits (up to `timeout` seconds) instead.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------------------------
# Cache: local memory unless REDIS_URL is set
# https://docs.djangoproject.com/en/5.2/topics/cache/#redis
# ---------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "dignity"}}
# The anonymous page cache's shared tier (website.page_cache), apart from everything else, because it is
# the one cache strangers can make grow. With DJANGO_PAGE_CACHE_URL: a Redis of its own, bounded by the
# server (`maxmemory 256mb` and `maxmemory-policy allkeys-lru`; the policy is per Redis instance, so a
# separate database number in the broker's Redis, which must stay `noeviction`, is not enough).
# Without it: each process's local memory, bounded by entry count (about 2,000 pages of ~10-20 KB).
PAGE_CACHE_URL = os.environ.get("DJANGO_PAGE_CACHE_URL", "")
if PAGE_CACHE_URL:
    CACHES["pages"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": PAGE_CACHE_URL,
        "KEY_PREFIX": "pages",
    }
else:
    CACHES["pages"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "dignity-pages",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }
# Each process's own memory in front of the shared cache, for values whose keys carry the content
# generation (anonymous pages, page routes): they can only be as stale as the generation each
# process remembers for a second (website.page_cache). Bounded: about 512 pages of ~20 KB.
CACHES["local"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "dignity-local",
    "TIMEOUT": 60 * 60,
    "OPTIONS": {"MAX_ENTRIES": 512},
}

# ---------------------------------------------------------------------------
# Celery: eager (in-process) unless a broker is configured
# https://docs.celeryq.dev/en/stable/userguide/configuration.html
# ---------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", REDIS_URL or None)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task whose worker died is handed to another after 15 minutes (Redis's default is an hour).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 900}
CELERY_TIMEZONE = "Asia/Seoul"
CELERY_BEAT_SCHEDULE = {
    # Scheduled publishing does nothing unless publish_scheduled runs periodically.
    "publish-scheduled-pages": {"task": "website.tasks.publish_scheduled", "schedule": 60.0},
    "purge-archived-classes": {
        "task": "classrooms.tasks.purge_archived_classes",
        "schedule": crontab(hour=3, minute=0),
    },
    "teacher-reminder-digests": {
        "task": "classrooms.tasks.send_reminder_digests",
        "schedule": crontab(hour=16, minute=0),  # 4 pm in CELERY_TIMEZONE, after school
    },
}

# Wagtail's own background tasks (search index updates, reference index) through django-tasks.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# ---------------------------------------------------------------------------
# Authentication: our user model, allauth for people, Wagtail for editors
# https://docs.allauth.org/en/latest/account/configuration.html
# ---------------------------------------------------------------------------
AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = [
    "users.lockout.LockoutBackend",  # first: a locked account is refused on every login path
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Argon2id first (users.hashers: OWASP's minimum, m = 19 MiB, t = 2, p = 1); PBKDF2 stays to read
# older hashes, which Django rehashes with Argon2id at the next successful sign-in.
PASSWORD_HASHERS = [
    "users.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
# Students have no email: keep email optional globally; the teacher path asks for a verified one.
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
# A whole school signs in from one address (its NAT) at the bell: the per-address limits are wide
# (500 students in a minute, a third of them mistyping once). Each account is protected on its own by
# users.lockout on every login path (a growing wait after 5 failures, keyed on the account whatever
# name is typed); allauth's own "/key" limit is left out: it counts per typed string (username and
# email address apart) and is a hard lock a stranger can renew.
ACCOUNT_RATE_LIMITS = {
    "login": "600/m/ip",
    "login_failed": "200/m/ip",
    "signup": "60/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
ACCOUNT_ADAPTER = "users.adapter.AccountAdapter"
USERSESSIONS_ADAPTER = "users.sessions.UserSessionsAdapter"
# The public sign-up page is for teachers; students join with a class code at /<lang>/join/.
ACCOUNT_FORMS = {"login": "users.forms.SiteLoginForm", "signup": "users.forms.TeacherSignupForm"}
# Password reset and sign-up answer the same whether an account exists (allauth's default, stated:
# the sign-up's own handling is users.forms.TeacherSignupForm and users.views.TeacherSignupView).
ACCOUNT_PREVENT_ENUMERATION = True

# ---------------------------------------------------------------------------
# Internationalisation: Korean first, English beside it; every URL carries its language
# https://docs.wagtail.org/en/stable/advanced_topics/i18n.html
# ---------------------------------------------------------------------------
LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", "한국어"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE = False

# ---------------------------------------------------------------------------
# Static files and media
# https://whitenoise.readthedocs.io/en/stable/django.html
# ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# ---------------------------------------------------------------------------
# Email: printed to the console unless an SMTP server is configured
# https://docs.djangoproject.com/en/5.2/topics/email/
# ---------------------------------------------------------------------------
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Dignity <no-reply@localhost>")

# ---------------------------------------------------------------------------
# Wagtail
# https://docs.wagtail.org/en/stable/reference/settings.html
# ---------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Dignity"
# Links in moderation emails: `make run` passes the address it serves on (PORT); production sets its own.
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", f"http://127.0.0.1:{os.environ.get('PORT', '8000')}")
# No Gravatar: our CSP blocks it (broken avatars), and asking for one sends a hash of the editor's email.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# The editors' dashboard lists lessons whose law references were last reviewed longer ago than this.
DIGNITY_LAW_REVIEW_DAYS = int(os.environ.get("DIGNITY_LAW_REVIEW_DAYS", 180))
WAGTAILIMAGES_IMAGE_MODEL = "lessons.CurriculumImage"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx"]
WAGTAIL_PASSWORD_RESET_ENABLED = False
# One login for everyone, with two-factor: the admin sends people to allauth's login (as
# cookiecutter-django does for the Django admin), and /cms/login/ itself redirects there (website.urls).
WAGTAILADMIN_LOGIN_URL = "account_login"
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# Form fields (not files) beyond this are refused with a 413 page (Django's default, 2.5 MB).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Any body beyond this, files included, is refused before it is read; images are capped lower below.
DIGNITY_MAX_REQUEST_BYTES = int(os.environ.get("DIGNITY_MAX_REQUEST_BYTES", 20 * 1024 * 1024))
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024

# Sessions: anonymous readers get no cookie at all (nothing is stored for them).
# Sessions are read from the cache (Redis in production) and written through to the database: a signed-in
# page costs no session query (website/holes.py). Without a shared cache, production falls back to "db".
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# A school day: a student signs in once in the morning (no 500 logins at every bell), and a session
# left open on a shared school computer is gone by the evening. Sign-ins also end when the browser
# closes (ACCOUNT_SESSION_REMEMBER = False), whichever comes first.
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_SECONDS", 10 * 60 * 60))
CSRF_COOKIE_HTTPONLY = True
# The cookie rule (README, Security): pages an anonymous reader reads set no cookie at all; the forms
# that start a sign-in (join, login, sign-up, password reset) set a csrftoken that ends with the
# browser session, not one that stays on a shared device for a year.
CSRF_COOKIE_AGE = None
X_FRAME_OPTIONS = "DENY"

# ---------------------------------------------------------------------------
# Content-Security-Policy: nothing from another host on any page a person reads
# https://django-csp.readthedocs.io/en/latest/configuration.html
# ---------------------------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    # The Wagtail admin needs inline scripts and styles; it gets its own policy in support.middleware.
    "EXCLUDE_URL_PREFIXES": ["/cms/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# DJANGO_LOG_FORMAT=json (production's default) writes one JSON object per line with the request id.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "website.logging.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "website.logging.JsonFormatter"},
        "text": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": os.environ.get("DJANGO_LOG_FORMAT", "text"),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# Where `manage.py load_demo` reads the demo curriculum from (docs/content-format.md).
DIGNITY_DEMO_DIR = os.environ.get("DIGNITY_DEMO_DIR", str(BASE_DIR / "demo"))

# Students' data in classes archived longer than this is deleted by a nightly job.
DIGNITY_RETENTION_DAYS = int(os.environ.get("DIGNITY_RETENTION_DAYS", "365"))
